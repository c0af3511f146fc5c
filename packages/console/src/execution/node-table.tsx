import { NodeExecutionPhase, TaskExecutionPhase } from "@skein/idl";
import { useMemo, useState } from "react";
import { PhaseBadge } from "../components";
import { durationMs, formatDuration, nodePhaseName, nodeTone, taskTone, timestampMs, toneColours, type PhaseTone } from "../format";
import type { ExecutionStore } from "./execution-store";
import { flattenRows, type NodeRow } from "./node-rows";
import { VirtualList } from "./virtual-list";

const rowHeight = 28;

/** Which of the rows match the list's search and phase filter. */
function visibleRows(store: ExecutionStore, rows: readonly NodeRow[], search: string, tone: PhaseTone | ""): readonly NodeRow[] {
  if (search === "" && tone === "") return rows;
  return rows.filter((row) => {
    const node = store.nodes.get(row.id);
    if (tone !== "" && nodeTone(node?.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED) !== tone) return false;
    return search === "" || row.id.includes(search) || (node?.metadata?.nodeName ?? "").includes(search);
  });
}

/**
 * Every node of the execution as a virtualised list, or as a timeline of each node's attempts.
 * Rows are recomputed when nodes appear; phases are read at render time.
 */
export function NodeTable({ store, version, selected, onSelect, mode }: {
  store: ExecutionStore; version: number; selected: string | undefined; onSelect: (id: string) => void; mode: "list" | "timeline";
}) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [search, setSearch] = useState("");
  const [tone, setTone] = useState<PhaseTone | "">("");
  const structure = store.structureVersion;
  const rows = useMemo(() => flattenRows(store, collapsed), [store, structure, collapsed]);
  // Filtering by phase depends on phases, which change with every version.
  const shown = useMemo(() => visibleRows(store, rows, search, tone), [store, rows, search, tone, tone === "" ? 0 : version]);
  const toggle = (id: string) => {
    const next = new Set(collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };
  const span = useMemo(() => timeSpan(store), [store, version]);
  return (
    <div className="node-table">
      <div className="toolbar">
        <input placeholder="Search nodes" value={search} onChange={(e) => { setSearch(e.target.value); }} aria-label="search nodes" />
        <select value={tone} onChange={(e) => { setTone(e.target.value as PhaseTone | ""); }} aria-label="phase filter">
          <option value="">all phases</option>
          {(Object.keys(toneColours) as PhaseTone[]).map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        <span className="muted">{shown.length} of {store.nodes.size} nodes</span>
      </div>
      <VirtualList items={shown} rowHeight={rowHeight} height={420} label={mode === "list" ? "nodes" : "timeline"} render={(row) => {
        const node = store.nodes.get(row.id);
        const phase = node?.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED;
        const attempts = store.attempts.get(row.id) ?? [];
        return (
          <div className={`node-row${selected === row.id ? " selected" : ""}`} data-node-row={row.id} onClick={() => { onSelect(row.id); }}>
            <span className="node-name" style={{ paddingLeft: row.depth * 16 }}>
              {row.hasChildren ? <button type="button" className="link" onClick={(e) => { e.stopPropagation(); toggle(row.id); }}>{collapsed.has(row.id) ? "▸" : "▾"}</button> : <span className="spacer" />}
              {row.id}{node?.metadata?.nodeName !== undefined && node.metadata.nodeName !== "" && node.metadata.nodeName !== row.id ? <span className="muted"> {node.metadata.nodeName}</span> : null}
            </span>
            <PhaseBadge tone={nodeTone(phase)} text={nodePhaseName(phase)} />
            {mode === "list" ? (
              <>
                <span className="cell">{attempts.length > 1 ? `${attempts.length} attempts` : ""}</span>
                <span className="cell">{formatDuration(durationMs(node?.closure?.duration))}</span>
              </>
            ) : (
              <span className="bar-track">
                {bars(store, row.id, span).map((bar, i) => <span key={i} className="bar" title={bar.title} style={{ left: `${bar.left}%`, width: `${bar.width}%`, background: toneColours[bar.tone] }} />)}
              </span>
            )}
          </div>
        );
      }} />
    </div>
  );
}

interface Span { readonly start: number; readonly end: number }

function timeSpan(store: ExecutionStore): Span {
  const start = timestampMs(store.execution?.closure?.startedAt) ?? timestampMs(store.execution?.closure?.createdAt) ?? Date.now();
  const running = durationMs(store.execution?.closure?.duration);
  return { start, end: Math.max(start + 1000, running > 0 ? start + running : Date.now()) };
}

/** The bars of one timeline row: each attempt, or the node itself when it had no task attempts. */
function bars(store: ExecutionStore, id: string, span: Span): { left: number; width: number; tone: PhaseTone; title: string }[] {
  const total = span.end - span.start;
  const bar = (startMs: number | undefined, duration: number, tone: PhaseTone, title: string) => {
    if (startMs === undefined || startMs === 0) return undefined;
    const end = duration > 0 ? startMs + duration : tone === "running" ? Date.now() : startMs;
    return { left: ((startMs - span.start) / total) * 100, width: Math.max(0.4, ((end - startMs) / total) * 100), tone, title };
  };
  const attempts = store.attempts.get(id) ?? [];
  const node = store.nodes.get(id);
  const out = attempts.map((a) => bar(timestampMs(a.closure?.startedAt), durationMs(a.closure?.duration), taskTone(a.closure?.phase ?? TaskExecutionPhase.UNSPECIFIED), `attempt ${a.id?.retryAttempt ?? 0}: ${formatDuration(durationMs(a.closure?.duration))}`));
  if (out.length === 0 && node !== undefined) {
    const phase = node.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED;
    out.push(bar(timestampMs(node.closure?.startedAt), durationMs(node.closure?.duration), nodeTone(phase), `${nodePhaseName(phase)} ${formatDuration(durationMs(node.closure?.duration))}`));
  }
  return out.filter((b) => b !== undefined);
}
