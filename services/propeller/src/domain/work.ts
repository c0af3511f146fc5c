import { fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import type { Decision, EngineEvent } from "@skein/engine";
import { IdentifierSchema, LiteralMapSchema, LiteralTypeSchema, TaskTemplateSchema } from "@skein/idl";
import { assertNever } from "@skein/engine";

/**
 * A decision that waits for an answer from outside (a task attempt, a cache lookup, a timer, a
 * signal, a child execution). It is stored with the state that asked for it and deleted with the
 * state that consumed its answer, so after a crash the stored ones are exactly the work in flight.
 */
export type Work = Extract<Decision, { type: "lookupCache" | "startAttempt" | "setTimer" | "waitSignal" | "startChild" }>;

/** The row key of a piece of work; the event answering it names the same key. */
export function workKey(work: Work): string {
  switch (work.type) {
    case "lookupCache":
      return `cache:${work.node}`;
    case "startAttempt":
      return attemptWorkKey(work.node, work.attempt);
    case "setTimer":
      return `timer:${work.timer}`;
    case "waitSignal":
      return `signal:${work.node}`;
    case "startChild":
      return `child:${work.node}`;
    default:
      return assertNever(work, "work");
  }
}

export function attemptWorkKey(node: string, attempt: number): string {
  return `attempt:${node}#${attempt}`;
}

/** Whether a decision is work to store (as opposed to something carried out at once). */
export function isWork(decision: Decision): decision is Work {
  return (
    decision.type === "lookupCache" ||
    decision.type === "startAttempt" ||
    decision.type === "setTimer" ||
    decision.type === "waitSignal" ||
    decision.type === "startChild"
  );
}

/**
 * Keys of the work an event answers. A signal answers every gate waiting on its id, which only
 * the caller's table of open work knows, so it is resolved there (`signalWaiters`).
 */
export function answeredKeys(event: EngineEvent, signalWaiters: (signalId: string) => readonly string[]): readonly string[] {
  switch (event.type) {
    case "cacheResult":
      return [`cache:${event.node}`];
    case "attemptSucceeded":
    case "attemptFailed":
      return [attemptWorkKey(event.node, event.attempt)];
    case "timerFired":
      return [`timer:${event.timer}`];
    case "signal":
      return signalWaiters(event.signalId);
    case "childFinished":
      return [`child:${event.node}`];
    case "start":
    case "abort":
      return [];
    default:
      return assertNever(event, "event");
  }
}

/** A piece of work as JSON text for its row. */
export function encodeWork(work: Work): string {
  const json: Record<string, JsonValue> = { ...(work as unknown as Record<string, JsonValue>) };
  if ("task" in work) json.task = toJson(TaskTemplateSchema, work.task);
  if ("inputs" in work) json.inputs = toJson(LiteralMapSchema, work.inputs);
  if (work.type === "waitSignal") json.valueType = toJson(LiteralTypeSchema, work.valueType);
  if (work.type === "startChild") json.launchPlan = toJson(IdentifierSchema, work.launchPlan);
  return JSON.stringify(json);
}

/** Reads text made by `encodeWork`; throws naming the row key when it is not a stored decision. */
export function decodeWork(key: string, text: string): Work {
  let raw: Record<string, JsonValue>;
  try {
    raw = JSON.parse(text) as Record<string, JsonValue>;
  } catch (error) {
    throw new Error(`work ${key}: not JSON (${(error as Error).message})`);
  }
  const str = (field: string): string => {
    const v = raw[field];
    if (typeof v !== "string") throw new Error(`work ${key}: ${field} must be a string`);
    return v;
  };
  const num = (field: string): number => {
    const v = raw[field];
    if (typeof v !== "number") throw new Error(`work ${key}: ${field} must be a number`);
    return v;
  };
  const msg = <T>(field: string, read: (json: JsonValue) => T): T => {
    const v = raw[field];
    if (v === undefined || v === null) throw new Error(`work ${key}: ${field} is missing`);
    return read(v);
  };
  const type = str("type");
  switch (type) {
    case "lookupCache":
      return {
        type,
        node: str("node"),
        task: msg("task", (j) => fromJson(TaskTemplateSchema, j)),
        inputs: msg("inputs", (j) => fromJson(LiteralMapSchema, j)),
        cacheVersion: str("cacheVersion"),
      };
    case "startAttempt":
      return {
        type,
        node: str("node"),
        attempt: num("attempt"),
        task: msg("task", (j) => fromJson(TaskTemplateSchema, j)),
        inputs: msg("inputs", (j) => fromJson(LiteralMapSchema, j)),
        ...(typeof raw.deadline === "number" ? { deadline: raw.deadline } : {}),
      };
    case "setTimer":
      return { type, timer: str("timer"), at: num("at") };
    case "waitSignal":
      return {
        type,
        node: str("node"),
        signalId: str("signalId"),
        valueType: msg("valueType", (j) => fromJson(LiteralTypeSchema, j)),
        approval: raw.approval === true,
      };
    case "startChild":
      return {
        type,
        node: str("node"),
        launchPlan: msg("launchPlan", (j) => fromJson(IdentifierSchema, j)),
        inputs: msg("inputs", (j) => fromJson(LiteralMapSchema, j)),
        name: str("name"),
      };
    default:
      throw new Error(`work ${key}: type "${type}" is not a kind of stored work`);
  }
}
