import type { Signal } from "@skein/idl/admin/v1";
import type { AdminClient } from "../api";
import { SignalControl } from "./signal-control";

/** The execution's signals (gates waiting for a value, and those already given one). */
export function SignalsPanel({ client, signals, reload }: { client: AdminClient; signals: readonly Signal[]; reload: () => void }) {
  if (signals.length === 0) return <p className="muted">This execution has no signals.</p>;
  return <div className="signals">{signals.map((s) => <SignalControl key={s.id?.signalId} client={client} signal={s} onSet={reload} />)}</div>;
}
