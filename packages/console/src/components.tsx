import { ConnectError } from "@connectrpc/connect";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import type { Readable } from "./data/literal-value";
import { toneColours, type PhaseTone } from "./format";

/** The message a failed call shows: the server's own text, never a stack. */
export function errorText(error: unknown): string {
  return ConnectError.from(error).rawMessage;
}

export interface Async<T> {
  readonly value: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  reload(): void;
}

/** Runs `load` whenever `deps` change, keeping the last value, error and loading state. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<{ value: T | undefined; error: string | undefined; loading: boolean }>({ value: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  // The caller lists what load reads in deps, as with useEffect.
  const run = useCallback(load, deps);
  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    run(abort.signal).then(
      (value) => { if (!abort.signal.aborted) setState({ value, error: undefined, loading: false }); },
      (error: unknown) => { if (!abort.signal.aborted) setState({ value: undefined, error: errorText(error), loading: false }); },
    );
    return () => { abort.abort(); };
  }, [run, tick]);
  return { ...state, reload: () => { setTick((t) => t + 1); } };
}

export function Problem({ children }: { children: ReactNode }) {
  return <div className="problem" role="alert">{children}</div>;
}

export function Loading({ what }: { what: string }) {
  return <p className="loading">Loading {what}…</p>;
}

export function PhaseBadge({ tone, text }: { tone: PhaseTone; text: string }) {
  return <span className="phase" data-tone={tone} style={{ background: toneColours[tone] }}>{text}</span>;
}

/** Renders a readable literal: scalars inline, lists and maps as nested tables, structs as JSON. */
export function ValueView({ value }: { value: Readable }) {
  switch (value.kind) {
    case "value":
      return <code>{value.text}</code>;
    case "struct":
      return <pre className="json">{JSON.stringify(value.value, null, 2)}</pre>;
    case "file":
      return (
        <span className="file">
          {value.dir ? "directory" : "file"} <code>{value.uri}</code>{value.format === "" ? "" : ` (${value.format})`}
          {value.href !== undefined && <> · <a href={value.href} download className="download">download</a></>}
        </span>
      );
    case "offloaded":
      return <span className="file">stored at <code>{value.uri}</code> ({value.sizeBytes.toString()} bytes)</span>;
    case "error":
      return <span className="problem-inline">error from {value.nodeId}: {value.message}</span>;
    case "list":
      return value.items.length === 0 ? <code>[]</code> : (
        <ol className="value-list" start={0}>
          {value.items.slice(0, 200).map((item, i) => <li key={i}><ValueView value={item} /></li>)}
          {value.items.length > 200 && <li className="muted">… {value.items.length - 200} more</li>}
        </ol>
      );
    case "map":
      return <ValueTable entries={value.entries} />;
  }
}

export function ValueTable({ entries, empty = "none" }: { entries: readonly (readonly [string, Readable])[]; empty?: string }) {
  if (entries.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="values">
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}><th>{name}</th><td><ValueView value={value} /></td></tr>
        ))}
      </tbody>
    </table>
  );
}
