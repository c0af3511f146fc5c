import { toJson, type JsonValue } from "@bufbuild/protobuf";
import { CatalogCacheStatus, DynamicJobSpecSchema, ExecutionErrorSchema, LiteralMapSchema, LiteralSchema, NodeExecutionPhase, WorkflowExecutionPhase, type Literal, type LiteralMap } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import type { ExecutionState, NodePath, NodeState } from "./api.js";
import type { NodeDetail, ScopeProgress } from "./kernel.js";
import { PersistentMap } from "./persistent-map.js";
import { PersistentQueue } from "./persistent-queue.js";
import { bookkeepingOf, detailOf } from "./tx.js";
import { reader, type Reader } from "./codec-reader.js";

// ExecutionState as JSON text, so a driver can persist it and resume after a crash: either as one
// document (encodeState) or as rows, a header and one text per node, written as deltas
// (encodeStateDelta). Protobuf messages go through their canonical JSON (int64 as strings, bytes
// as base64); node entries and maps are sorted by key, so equal states encode to equal text.

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
  return { ...encodeNodeProgress(s), ...encodeNodeData(s) };
}

// The canonical JSON of each literal, kept while the literal lives. Values pass from node to node
// and to the execution as the same objects (a map's input list is the execution's input, its
// output list the execution's output), so each is converted once, not once per holder.
const literalJsonCache = new WeakMap<Literal, Json>();

/** toJson(LiteralMapSchema, map), literal by literal through the cache. */
export function literalMapJson(map: LiteralMap): Json {
  const entries = Object.entries(map.literals);
  if (entries.length === 0) return {};
  const literals: Record<string, Json> = {};
  for (const [name, literal] of entries) {
    let json = literalJsonCache.get(literal);
    if (json === undefined) {
      json = toJson(LiteralSchema, literal);
      literalJsonCache.set(literal, json);
    }
    literals[name] = json;
  }
  return { literals };
}

/** A node without its data: what changes on most steps, and stays small. */
function encodeNodeProgress(s: NodeState): Record<string, Json> {
  const detail = detailOf(s);
  return {
    phase: s.phase,
    attempts: s.attempts,
    systemFailures: s.systemFailures,
    queuedAt: s.queuedAt ?? null,
    startedAt: s.startedAt ?? null,
    endedAt: s.endedAt ?? null,
    error: s.error ? toJson(ExecutionErrorSchema, s.error) : null,
    cacheStatus: s.cacheStatus ?? null,
    detail: detail ? encodeDetail(detail) : null,
  };
}

/** A node's inputs and outputs: set once or twice in its life, and as large as the values. */
function encodeNodeData(s: NodeState): Record<string, Json> {
  return {
    inputs: s.inputs ? literalMapJson(s.inputs) : null,
    outputs: s.outputs ? literalMapJson(s.outputs) : null,
  };
}

/** The execution's own fields, as they open both the whole-state text and the header row. */
function encodeExecution(state: ExecutionState): Record<string, Json> {
  // The whole-state text keeps its field order: inputs and outputs before the error.
  const { error = null, ...progress } = encodeExecutionProgress(state);
  return { ...progress, ...encodeExecutionData(state), error };
}

function encodeExecutionProgress(state: ExecutionState): Record<string, Json> {
  return {
    version: VERSION,
    phase: state.phase,
    startedAt: state.startedAt ?? null,
    endedAt: state.endedAt ?? null,
    error: state.error ? toJson(ExecutionErrorSchema, state.error) : null,
  };
}

/** The execution's inputs and outputs: set once each, and as large as the values. */
function encodeExecutionData(state: ExecutionState): Record<string, Json> {
  return {
    inputs: state.inputs ? literalMapJson(state.inputs) : null,
    outputs: state.outputs ? literalMapJson(state.outputs) : null,
  };
}

function encodeBookkeeping(state: ExecutionState): Record<string, Json> {
  const book = bookkeepingOf(state);
  return {
    root: encodeProgress(book.root),
    running: book.running,
    queue: book.queue.toArray(),
    waits: byKey(book.waits.entries()),
    signals: byKey(book.signals.entries()).map(([id, paths]) => [id, [...paths]]),
  };
}

/** The state as JSON text. */
export function encodeState(state: ExecutionState): string {
  const nodes = byKey(state.nodes.entries()).map(([path, s]) => [path, encodeNode(s)]);
  return JSON.stringify({ ...encodeExecution(state), nodes, ...encodeBookkeeping(state) });
}

/**
 * A state as rows: the header (everything but the nodes and the execution's inputs and outputs:
 * version, phase, times, error and the engine's bookkeeping), the nodes added or changed since the
 * previous state, each as its own JSON text and sorted by path, and the paths of nodes that are gone.
 *
 * A node's text leaves out its inputs and outputs; those are in `data`, only for the nodes whose
 * inputs or outputs changed (or that are new). A map node keeps its whole input list while each
 * of its items finishes, so without this split every item would rewrite the list. The execution's
 * own inputs and outputs are `executionData` for the same reason (a map over the execution's
 * input would rewrite that list with every step).
 */
export interface StateDelta {
  readonly header: string;
  /** The execution's inputs and outputs, when they changed (or on the first delta); else keep the stored text. */
  readonly executionData?: string;
  readonly nodes: readonly (readonly [NodePath, string])[];
  /** Inputs and outputs of the nodes in `nodes` whose data changed; keep the stored text for the others. */
  readonly data: readonly (readonly [NodePath, string])[];
  readonly removed: readonly NodePath[];
}

function nodeMap(state: ExecutionState): PersistentMap<NodeState> {
  if (!(state.nodes instanceof PersistentMap)) {
    throw new Error("encodeStateDelta: execution state not made by this engine (use initialState, handle, decodeState or decodeStateParts)");
  }
  return state.nodes as PersistentMap<NodeState>;
}

/**
 * What to write after a step so that stored rows hold `next`, given that they hold `previous`
 * (every node when `previous` is undefined). Unchanged nodes are found by identity through the
 * structure `next` shares with `previous`, so the cost follows the nodes the step touched, not the
 * size of the execution. The header is always the whole header; it grows with the slot queue and
 * the dependency counts of waiting nodes, not with the number of nodes.
 */
export function encodeStateDelta(previous: ExecutionState | undefined, next: ExecutionState): StateDelta {
  const nodes = nodeMap(next);
  const before = previous === undefined ? undefined : nodeMap(previous);
  const { changed, removed } = before === undefined ? { changed: [...nodes.keys()], removed: [] } : nodes.changedKeys(before);
  const header = JSON.stringify({ ...encodeExecutionProgress(next), ...encodeBookkeeping(next) });
  const dataChanged = previous === undefined || previous.inputs !== next.inputs || previous.outputs !== next.outputs;
  const executionData = dataChanged ? JSON.stringify(encodeExecutionData(next)) : undefined;
  const texts: [NodePath, string][] = [];
  const data: [NodePath, string][] = [];
  for (const path of changed.sort()) {
    const node = nodes.get(path);
    if (node === undefined) throw new Error(`encodeStateDelta: node "${path}" was reported changed but is absent`);
    texts.push([path, JSON.stringify(encodeNodeProgress(node))]);
    // States share their messages with the states they came from, so identity tells what changed.
    const old = before?.get(path);
    if (old === undefined || old.inputs !== node.inputs || old.outputs !== node.outputs) data.push([path, JSON.stringify(encodeNodeData(node))]);
  }
  return { header, ...(executionData !== undefined ? { executionData } : {}), nodes: texts, data, removed: removed.sort() };
}

const PARTS = "decodeStateParts";

/**
 * Rebuilds a state from its header, the text of every node, the latest data text of every node
 * (in any order) and the latest execution data, as `encodeStateDelta` wrote them. A header or node
 * text that holds its own inputs and outputs (as texts written before the split did) needs no
 * data. Throws an Error naming the malformed field, e.g. `header.running` or `nodes["n3/1"].phase`
 * (the execution data's fields are read as the header's: `header.inputs`), or a path given twice.
 */
export function decodeStateParts(
  header: string,
  nodes: Iterable<readonly [NodePath, string]>,
  data: Iterable<readonly [NodePath, string]> = [],
  executionData?: string,
): ExecutionState {
  const headerJson = parseJson(header, PARTS, "header");
  const own = executionData === undefined ? undefined : asObject(parseJson(executionData, PARTS, "executionData"), "executionData");
  const r = own === undefined ? reader(headerJson, "header", PARTS) : reader({ ...asObject(headerJson, "header"), ...own }, "header", PARTS);
  checkVersion(r, PARTS, "header");
  const dataOf = new Map<NodePath, string>();
  for (const [path, text] of data) {
    if (dataOf.has(path)) throw new Error(`${PARTS}: data[${JSON.stringify(path)}] is given more than once`);
    dataOf.set(path, text);
  }
  let map = PersistentMap.empty<NodeState>();
  for (const [path, text] of nodes) {
    const where = `nodes[${JSON.stringify(path)}]`;
    const progress = parseJson(text, PARTS, where);
    const dataText = dataOf.get(path);
    const merged = dataText === undefined ? progress : { ...asObject(progress, where), ...asObject(parseJson(dataText, PARTS, `data[${JSON.stringify(path)}]`), `data[${JSON.stringify(path)}]`) };
    const next = map.set(path, decodeNode(reader(merged, where, PARTS)));
    if (next.size === map.size) throw new Error(`${PARTS}: ${where} is given more than once`);
    map = next;
  }
  for (const path of dataOf.keys()) if (!map.has(path)) throw new Error(`${PARTS}: data[${JSON.stringify(path)}] belongs to no node`);
  return stateOf(r, map);
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${PARTS}: ${where} must be an object`);
  return value as Record<string, unknown>;
}

function parseJson(text: string, decoder: string, what?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${decoder}: ${what === undefined ? "" : `${what} is `}not JSON (${(e as Error).message})`);
  }
}

function checkVersion(r: Reader, decoder: string, where: string): void {
  const version = r.number("version");
  if (version !== VERSION) throw new Error(`${decoder}: ${where}.version ${version} is not supported (expected ${VERSION})`);
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
      return { kind, total: n("total"), next: n("next"), active: n("active"), succeeded: n("succeeded"), failed: n("failed"), required: n("required"), parallelism: n("parallelism"), slot: r.optionalBoolean("slot") ?? false };
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
  const r = reader(parseJson(text, "decodeState"), "state");
  checkVersion(r, "decodeState", "state");
  return stateOf(r, PersistentMap.from(r.entries("nodes", decodeNode)));
}
