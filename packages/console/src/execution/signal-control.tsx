import { create } from "@bufbuild/protobuf";
import { LiteralSchema, SimpleType } from "@skein/idl";
import type { Signal } from "@skein/idl/admin/v1";
import { useState } from "react";
import type { AdminClient } from "../api";
import { errorText, Problem, ValueView } from "../components";
import { readable } from "../data/literal-value";
import { FieldError, parseFieldText, typeLabel } from "../launch/parse-input";
import { formatTime } from "../format";

function isBoolean(signal: Signal): boolean {
  return signal.type?.type.case === "simple" && signal.type.type.value === SimpleType.BOOLEAN;
}

/**
 * Sets one signal: Approve and Reject for a boolean (an approval gate), otherwise a field checked
 * against the signal's type. A set signal shows its value and who set it.
 */
export function SignalControl({ client, signal, onSet }: { client: AdminClient; signal: Signal; onSet: () => void }) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const name = signal.id?.signalId ?? "";
  if (signal.value !== undefined) {
    return <div className="signal" data-signal={name}><code>{name}</code> = <ValueView value={readable(signal.value)} /> <span className="muted">set {formatTime(signal.setAt)}{signal.setBy === "" ? "" : ` by ${signal.setBy}`}</span></div>;
  }
  const send = async (value: ReturnType<typeof create<typeof LiteralSchema>>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await client.setSignal({ id: signal.id, value });
      onSet();
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  const bool = (value: boolean) => create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "boolean", value } } } } } });
  return (
    <div className="signal" data-signal={name}>
      <code>{name}</code> <span className="muted">{typeLabel(signal.type)}, waiting</span>{" "}
      {isBoolean(signal) ? (
        <>
          <button type="button" disabled={busy} onClick={() => void send(bool(true))}>Approve</button>
          <button type="button" disabled={busy} onClick={() => void send(bool(false))}>Reject</button>
        </>
      ) : (
        <form className="inline" onSubmit={(e) => {
          e.preventDefault();
          try {
            void send(parseFieldText(name, signal.type, text));
          } catch (error) {
            if (!(error instanceof FieldError)) throw error;
            setProblem(error.message);
          }
        }}>
          <input aria-label={`value of ${name}`} value={text} onChange={(e) => { setText(e.target.value); }} />
          <button type="submit" disabled={busy}>Set signal</button>
        </form>
      )}
      {problem !== undefined && <Problem>{problem}</Problem>}
    </div>
  );
}
