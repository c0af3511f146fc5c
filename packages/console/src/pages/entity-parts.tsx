import type { Identifier, LiteralType, ParameterMap, VariableMap } from "@skein/idl";
import { useMemo } from "react";
import { readable } from "../data/literal-value";
import { ValueView } from "../components";
import { formatTime } from "../format";
import { GraphView } from "../graph/graph-view";
import { buildGraph } from "../graph/graph-model";
import { typeLabel } from "../launch/parse-input";
import type { CompiledWorkflowClosure } from "@skein/idl";
import type { Timestamp } from "@bufbuild/protobuf/wkt";

/** A table of variables: name, type, description and (for parameters) the default. */
export function InterfaceTable({ title, variables, parameters }: { title: string; variables?: VariableMap | undefined; parameters?: ParameterMap | undefined }) {
  const rows: { name: string; type: LiteralType | undefined; description: string; default?: React.ReactNode }[] = [];
  for (const [name, v] of Object.entries(variables?.variables ?? {})) rows.push({ name, type: v.type, description: v.description });
  for (const [name, p] of Object.entries(parameters?.parameters ?? {})) {
    rows.push({ name, type: p.var?.type, description: p.var?.description ?? "", default: p.behavior.case === "default" ? <ValueView value={readable(p.behavior.value)} /> : "required" });
  }
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="interface">
      <h3>{title}</h3>
      {rows.length === 0 ? <p className="muted">none</p> : (
        <table className="list">
          <thead><tr><th>Name</th><th>Type</th>{parameters !== undefined && <th>Default</th>}<th>Description</th></tr></thead>
          <tbody>{rows.map((r) => <tr key={r.name}><td><code>{r.name}</code></td><td>{typeLabel(r.type)}</td>{parameters !== undefined && <td>{r.default}</td>}<td>{r.description}</td></tr>)}</tbody>
        </table>
      )}
    </div>
  );
}

/** The versions of a name, newest first; picking one shows it. */
export function VersionList({ versions, selected, onSelect }: { versions: readonly { id?: Identifier | undefined; createdAt?: Timestamp | undefined }[]; selected: string; onSelect: (version: string) => void }) {
  return (
    <div className="versions">
      <h3>Versions</h3>
      <ul>
        {versions.map((v) => (
          <li key={v.id?.version}>
            <button type="button" className={v.id?.version === selected ? "link active" : "link"} onClick={() => { onSelect(v.id?.version ?? ""); }}>{v.id?.version}</button>
            <span className="muted"> {formatTime(v.createdAt)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A registered workflow drawn as a graph (no execution: boxes are uncoloured). */
export function StaticGraph({ closure }: { closure: CompiledWorkflowClosure | undefined }) {
  const model = useMemo(() => buildGraph(closure, undefined, new Set()), [closure]);
  if (model.nodes.length === 0) return <p className="muted">This workflow has no nodes.</p>;
  return <GraphView model={model} look={() => ({ tone: undefined, caption: "" })} />;
}
