import { useMemo, useRef, useState, type PointerEvent, type WheelEvent } from "react";
import { toneColours, type PhaseTone } from "../format";
import type { GraphModel } from "./graph-model";
import { layoutGraph } from "./layout";

export interface NodeLook {
  readonly tone: PhaseTone | undefined;
  /** Shown under the label: the phase, or a map's counts. */
  readonly caption: string;
}

export interface GraphViewProps {
  readonly model: GraphModel;
  /** How each node looks right now; called on every render, so keep it cheap. */
  readonly look: (id: string) => NodeLook;
  readonly selected?: string | undefined;
  readonly onSelect?: (id: string) => void;
  readonly expanded?: ReadonlySet<string>;
  readonly onToggle?: (id: string) => void;
}

/**
 * The workflow drawn as SVG, left to right. The layout is computed once per graph structure; live
 * phase changes only recolour boxes. Drag to pan, wheel to zoom.
 */
export function GraphView({ model, look, selected, onSelect, expanded, onToggle }: GraphViewProps) {
  const layout = useMemo(() => layoutGraph(model), [model]);
  const [view, setView] = useState({ x: -20, y: -20, scale: 1 });
  const drag = useRef<{ x: number; y: number } | undefined>(undefined);
  const labels = useMemo(() => new Map(model.nodes.map((n) => [n.id, n])), [model]);
  const height = Math.min(Math.max(layout.height + 60, 160), 520);

  const onWheel = (event: WheelEvent<SVGSVGElement>) => {
    const factor = event.deltaY < 0 ? 1.1 : 1 / 1.1;
    setView((v) => ({ ...v, scale: Math.min(3, Math.max(0.1, v.scale * factor)) }));
  };
  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if ((event.target as Element).closest("[data-node]") !== null) return;
    drag.current = { x: event.clientX, y: event.clientY };
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const from = drag.current;
    if (from === undefined) return;
    drag.current = { x: event.clientX, y: event.clientY };
    setView((v) => ({ ...v, x: v.x - (event.clientX - from.x) / v.scale, y: v.y - (event.clientY - from.y) / v.scale }));
  };
  const endDrag = () => { drag.current = undefined; };

  return (
    <div className="graph">
      {model.truncated > 0 && <p className="notice">The workflow has {model.truncated + model.nodes.filter((n) => n.parent === undefined).length} nodes; the first {model.nodes.filter((n) => n.parent === undefined).length} are drawn. The node list below has every node.</p>}
      <svg
        role="img"
        aria-label="workflow graph"
        width="100%"
        height={height}
        viewBox={`${view.x} ${view.y} ${1000 / view.scale} ${height / view.scale}`}
        preserveAspectRatio="xMinYMin meet"
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerLeave={endDrag}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#7b8794" />
          </marker>
        </defs>
        {[...layout.boxes.values()].filter((b) => b.container).map((box) => {
          const node = labels.get(box.id);
          const { tone, caption } = look(box.id);
          return (
            <g key={box.id} data-node={box.id} className="graph-container" onClick={() => onSelect?.(box.id)}>
              <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={8} fill="#f5f7fa" stroke={tone === undefined ? "#c4c9d0" : toneColours[tone]} strokeWidth={selected === box.id ? 3 : 1.5} />
              <text x={box.x + 10} y={box.y + 19} className="graph-label">{truncate(`${node?.label ?? box.id} · ${caption}`, Math.max(12, Math.floor((box.width - 36) / 7)))}</text>
              <text x={box.x + box.width - 18} y={box.y + 19} className="graph-toggle" onClick={(e) => { e.stopPropagation(); onToggle?.(box.id); }}>−</text>
              {(model.hidden.get(box.id) ?? 0) > 0 && <text x={box.x + 10} y={box.y + box.height - 4} className="graph-caption">+{model.hidden.get(box.id)} more in the node list</text>}
            </g>
          );
        })}
        {layout.edges.map((edge) => (
          <polyline key={`${edge.from}->${edge.to}`} points={edge.points.map((p) => `${p.x},${p.y}`).join(" ")} fill="none" stroke="#7b8794" strokeWidth={1.3} markerEnd="url(#arrow)" />
        ))}
        {[...layout.boxes.values()].filter((b) => !b.container).map((box) => {
          const node = labels.get(box.id);
          const { tone, caption } = look(box.id);
          const colour = tone === undefined ? "#ffffff" : toneColours[tone];
          return (
            <g key={box.id} data-node={box.id} data-tone={tone ?? "none"} className="graph-node" onClick={() => onSelect?.(box.id)}>
              <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={6} fill="#fff" stroke={selected === box.id ? "#1f2933" : colour} strokeWidth={selected === box.id ? 3 : 2} />
              <rect x={box.x} y={box.y} width={6} height={box.height} rx={3} fill={colour} />
              <text x={box.x + 14} y={box.y + 19} className="graph-label">{truncate(node?.label ?? box.id, 24)}</text>
              <text x={box.x + 14} y={box.y + 36} className="graph-caption">{node?.kind} · {truncate(caption, 22)}</text>
              {node?.expandable === true && expanded?.has(box.id) !== true && (
                <text x={box.x + box.width - 18} y={box.y + 19} className="graph-toggle" onClick={(e) => { e.stopPropagation(); onToggle?.(box.id); }}>+</text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
