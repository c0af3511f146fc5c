import { Code, ConnectError } from "@connectrpc/connect";
import { EventOutcome } from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";

/** What applying one event did; the words mirror skein.admin.v1.EventOutcome. */
export type OutcomeKind = "accepted" | "duplicate" | "already_terminal" | "stale_owner" | "not_found" | "invalid";

/** The verdict on one event: its outcome and, for refusals, why. */
export interface EventVerdict {
  readonly outcome: OutcomeKind;
  /** Empty for accepted and duplicate events. */
  readonly message: string;
}

export const accepted: EventVerdict = { outcome: "accepted", message: "" };

export function verdict(outcome: OutcomeKind, message: string): EventVerdict {
  return { outcome, message };
}

/** The API enum value of an outcome. */
export function outcomeToProto(outcome: OutcomeKind): EventOutcome {
  switch (outcome) {
    case "accepted":
      return EventOutcome.ACCEPTED;
    case "duplicate":
      return EventOutcome.DUPLICATE;
    case "already_terminal":
      return EventOutcome.ALREADY_TERMINAL;
    case "stale_owner":
      return EventOutcome.STALE_OWNER;
    case "not_found":
      return EventOutcome.NOT_FOUND;
    case "invalid":
      return EventOutcome.INVALID;
    default:
      return assertNever(outcome, "event outcome");
  }
}

/**
 * The error a single-event RPC answers for a verdict other than accepted (event.proto): a duplicate
 * is AlreadyExists (callers treat it as success), a terminal record or a stale owner is
 * FailedPrecondition, a missing execution NotFound, an illegal transition InvalidArgument.
 */
export function verdictError(v: EventVerdict): ConnectError | undefined {
  switch (v.outcome) {
    case "accepted":
      return undefined;
    case "duplicate":
      return new ConnectError(v.message === "" ? "event already recorded" : v.message, Code.AlreadyExists);
    case "already_terminal":
    case "stale_owner":
      return new ConnectError(v.message, Code.FailedPrecondition);
    case "not_found":
      return new ConnectError(v.message, Code.NotFound);
    case "invalid":
      return new ConnectError(v.message, Code.InvalidArgument);
    default:
      return assertNever(v.outcome, "event outcome");
  }
}
