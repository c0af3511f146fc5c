import { toJson, type JsonValue } from "@bufbuild/protobuf";
import { CatalogCacheStatus, DynamicJobSpecSchema, ExecutionErrorSchema, LiteralMapSchema, NodeExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import type { ExecutionState, NodePath, NodeState } from "./api.js";
import type { NodeDetail, ScopeProgress } from "./kernel.js";
import { PersistentMap } from "./persistent-map.js";
import { PersistentQueue } from "./persistent-queue.js";
import { bookkeepingOf, detailOf } from "./tx.js";
import { reader, type Reader } from "./codec-reader.js";

// ExecutionState as JSON text, so a driver can persist it and resume after a crash. Protobuf
// messages go through their canonical JSON (int64 as strings, bytes as base64); node entries and
// maps are sorted by key, so equal states encode to equal text.

const VERSION = 1;

type Json = JsonValue;

const byKey = <T>(entries: Iterable<[string, T]>): [string, T][] => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function encodeProgress(p: ScopeProgress): Json {
  const failure = p.failure && { node: p.failure.node, error: toJson(ExecutionErrorSchema, p.failure.error) };
  return { remaining: p.remaining, inflight: p.inflight, stage: p.stage, ...(failure ? { failure } : {}) };
}

function encodeDetail(d: NodeDetail): Json {
  switch (d.kind) {
    case "dynamic":
      return { kind: d.kind, spec: toJson(DynamicJobSpecSchema, d.spec), scope: encodeProgress(d.scope) };
    case "subworkflow":
      return { kind: d.kind, scope: encodeProgress(d.scope) };
    case "task":
    case "gate":
    case "branch":
    case "array":
    case "launchPlan":
      return { ...d };
    default:
      return assertNever(d, "node detail");
  }
}

function encodeNode(s: NodeState): Json {
  const detail = detailOf(s);
  return {
    phase: s.phase,
    attempts: s.attempts,
    systemFailures: s.systemFailures,
    queuedAt: s.queuedAt ?? null,
    startedAt: s.startedAt ?? null,
    endedAt: s.endedAt ?? null,
    inputs: s.inputs ? toJson(LiteralMapSchema, s.inputs) : null,
    outputs: s.outputs ? toJson(LiteralMapSchema, s.outputs) : null,
    error: s.error ? toJson(ExecutionErrorSchema, s.error) : null,
    cacheStatus: s.cacheStatus ?? null,
    detail: detail ? encodeDetail(detail) : null,
  };
}

function encodeHeaderFields(state: ExecutionState): Record<string, Json> {
  const book = bookkeepingOf(state);
  return {
    version: VERSION,
    phase: state.phase,
    startedAt: state.startedAt ?? null,
    endedAt: state.endedAt ?? null,
    inputs: state.inputs ? toJson(LiteralMapSchema, state.inputs) : null,
    outputs: state.outputs ? toJson(LiteralMapSchema, state.outputs) : null,
    error: state.error ? toJson(ExecutionErrorSchema, state.error) : null,
    root: encodeProgress(book.root),
    running: book.running,
    queue: book.queue.toArray(),
    waits: byKey(book.waits.entries()),
    signals: byKey(book.signals.entries()).map(([id, paths]) => [id, [...paths]]),
  };
}

/** The state as JSON text. */
export function encodeState(state: ExecutionState): string {
  const { version, phase, startedAt, endedAt, inputs, outputs, error, ...book } = encodeHeaderFields(state);
  const doc: Json = {
    version: version ?? null,
    phase: phase ?? null,
    startedAt: startedAt ?? null,
    endedAt: endedAt ?? null,
    inputs: inputs ?? null,
    outputs: outputs ?? null,
    error: error ?? null,
    nodes: byKey(state.nodes.entries()).map(([path, s]) => [path, encodeNode(s)]),
    ...book,
  };
  return JSON.stringify(doc);
}

/**
 * A state as rows: the header (everything but the nodes) and the nodes that changed since
 * `previous` (every node when there is none), each as its own JSON text, plus nodes that are gone.
 * A driver that stores the header and upserts the node texts after every step can rebuild the
 * state with `decodeStateParts`; the cost of a delta follows the changes, not the execution size.
 */
export interface StateDelta {
  readonly header: string;
  readonly nodes: readonly (readonly [NodePath, string])[];
  readonly removed: readonly NodePath[];
}

export function encodeStateDelta(previous: ExecutionState | undefined, next: ExecutionState): StateDelta {
  const header = JSON.stringify(encodeHeaderFields(next));
  let paths: string[];
  let removed: string[] = [];
  if (previous === undefined) {
    paths = [...next.nodes.keys()];
  } else if (previous.nodes instanceof PersistentMap && next.nodes instanceof PersistentMap) {
    ({ changed: paths, removed } = (next.nodes as PersistentMap<NodeState>).changedKeys(previous.nodes as PersistentMap<NodeState>));
  } else {
    throw new Error("encodeStateDelta: states must come from initialState, handle or decodeState");
  }
  const nodes = paths.sort().map((path): [NodePath, string] => {
    const node = next.nodes.get(path);
    if (node === undefined) throw new Error(`encodeStateDelta: node ${path} vanished`);
    return [path, JSON.stringify(encodeNode(node))];
  });
  return { header, nodes, removed: removed.sort() };
}

/** Rebuilds a state from a header and every node text (in any order), as `encodeStateDelta` made them. */
export function decodeStateParts(header: string, nodes: Iterable<readonly [NodePath, string]>): ExecutionState {
  const r = reader(parseJson(header, "header"), "header");
  const version = r.number("version");
  if (version !== VERSION) throw new Error(`decodeStateParts: header.version ${version} is not supported (expected ${VERSION})`);
  const decoded: [NodePath, NodeState][] = [];
  for (const [path, text] of nodes) decoded.push([path, decodeNode(reader(parseJson(text, `node ${path}`), `node ${path}`))]);
  return stateOf(r, PersistentMap.from(decoded));
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`decodeStateParts: ${what} is not JSON (${(e as Error).message})`);
  }
}

function stateOf(r: Reader, nodes: PersistentMap<NodeState>): ExecutionState {
  return {
    phase: r.enumValue("phase", WorkflowExecutionPhase),
    startedAt: r.optionalNumber("startedAt"),
    endedAt: r.optionalNumber("endedAt"),
    inputs: r.optionalMessage("inputs", LiteralMapSchema),
    outputs: r.optionalMessage("outputs", LiteralMapSchema),
    error: r.optionalMessage("error", ExecutionErrorSchema),
    nodes,
    detail: {
      root: r.object("root", decodeProgress),
      running: r.number("running"),
      queue: PersistentQueue.from(r.strings("queue")),
      waits: PersistentMap.from(r.entries("waits", (v) => v.asNumber())),
      signals: PersistentMap.from(r.entries("signals", (v) => v.asStrings())),
    },
  };
}

function decodeProgress(r: Reader): ScopeProgress {
  const stage = r.oneOf("stage", ["running", "failing", "failure-node", "done"] as const);
  const failure = r.optional("failure", (f) => ({ node: f.string("node"), error: f.message("error", ExecutionErrorSchema) }));
  return { remaining: r.number("remaining"), inflight: r.number("inflight"), stage, ...(failure ? { failure } : {}) };
}

function decodeDetail(r: Reader): NodeDetail {
  const kind = r.oneOf("kind", ["task", "dynamic", "gate", "branch", "array", "subworkflow", "launchPlan"] as const);
  switch (kind) {
    case "task":
      return { kind, stage: r.oneOf("stage", ["cache", "slot", "attempt", "backoff"] as const), slot: r.boolean("slot") };
    case "dynamic":
      return { kind, spec: r.message("spec", DynamicJobSpecSchema), scope: r.object("scope", decodeProgress) };
    case "gate":
      return { kind };
    case "branch":
      return { kind, child: r.string("child") };
    case "array": {
      const n = (key: string): number => r.number(key);
      return { kind, total: n("total"), next: n("next"), active: n("active"), succeeded: n("succeeded"), failed: n("failed"), required: n("required"), parallelism: n("parallelism") };
    }
    case "subworkflow":
      return { kind, scope: r.object("scope", decodeProgress) };
    case "launchPlan":
      return { kind, stage: r.oneOf("stage", ["slot", "child"] as const), slot: r.boolean("slot"), name: r.string("name") };
    default:
      return assertNever(kind, "node detail kind");
  }
}

function decodeNode(r: Reader): NodeState {
  return {
    phase: r.enumValue("phase", NodeExecutionPhase),
    attempts: r.number("attempts"),
    systemFailures: r.number("systemFailures"),
    queuedAt: r.optionalNumber("queuedAt"),
    startedAt: r.optionalNumber("startedAt"),
    endedAt: r.optionalNumber("endedAt"),
    inputs: r.optionalMessage("inputs", LiteralMapSchema),
    outputs: r.optionalMessage("outputs", LiteralMapSchema),
    error: r.optionalMessage("error", ExecutionErrorSchema),
    cacheStatus: r.optionalEnumValue("cacheStatus", CatalogCacheStatus),
    detail: r.optional("detail", decodeDetail),
  };
}

/** Reads text made by `encodeState`. Throws an Error naming the field that is malformed. */
export function decodeState(text: string): ExecutionState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`decodeState: not JSON (${(e as Error).message})`);
  }
  const r = reader(doc, "state");
  const version = r.number("version");
  if (version !== VERSION) throw new Error(`decodeState: state.version ${version} is not supported (expected ${VERSION})`);
  const nodes = r.entries("nodes", decodeNode);
  return stateOf(r, PersistentMap.from(nodes));
}
