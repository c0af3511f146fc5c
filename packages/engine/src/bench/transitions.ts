// Engine overhead per transition with no-op tasks, no I/O: the cost the engine itself adds to every
// node, and the cost of the row delta a driver writes after every step. Run with `npm run bench`
// (from the repository root or this workspace).
//
// A "transition" is one node phase change the engine records (QUEUED, RUNNING, SUCCEEDED...). Each
// scenario runs several times; the first run warms the JIT and is not counted.
import { performance } from "node:perf_hooks";

import { WorkflowExecutionPhase, type CompiledWorkflowClosure } from "@skein/idl";
import { createEngine, encodeStateDelta, type Decision, type EngineEvent, type ExecutionOptions, type ExecutionState } from "../index.js";
import { closure, INT, input, int, lmap, promise, task, taskNode, workflow } from "../executor/test-fixtures.js";

type Scenario = { readonly name: string; readonly closure: CompiledWorkflowClosure; readonly targetMs?: number };

const noop = task("noop", { inputs: { x: INT } });
const input1 = lmap({ x: int(1) });
const output1 = lmap({ o0: int(1) });

function fanOut(n: number): CompiledWorkflowClosure {
  const nodes = Array.from({ length: n }, (_, i) => taskNode(`n${i}`, "noop", { x: input("x") }));
  return closure(workflow("fan_out", { inputs: { x: INT }, nodes }), { tasks: [noop] });
}

function chain(n: number): CompiledWorkflowClosure {
  const nodes = [taskNode("n0", "noop", { x: input("x") })];
  for (let i = 1; i < n; i++) nodes.push(taskNode(`n${i}`, "noop", { x: promise(`n${i - 1}`, "o0") }));
  return closure(workflow("chain", { inputs: { x: INT }, nodes }), { tasks: [noop] });
}

/** Runs one execution to the end, completing every attempt at once; returns (ms, transitions). */
function runOnce(compiled: CompiledWorkflowClosure): { ms: number; transitions: number; events: number } {
  const started = performance.now();
  const engine = createEngine(compiled);
  let state = engine.initialState();
  const queue: EngineEvent[] = [{ type: "start", inputs: input1 }];
  let transitions = 0;
  let events = 0;
  for (let event = queue.shift(); event; event = queue.shift()) {
    const step = engine.handle(state, event, events);
    events += 1;
    state = step.state;
    transitions += step.records.length;
    for (const decision of step.decisions as Decision[]) {
      if (decision.type === "startAttempt") queue.push({ type: "attemptSucceeded", node: decision.node, attempt: decision.attempt, outputs: output1 });
    }
  }
  if (state.phase !== WorkflowExecutionPhase.SUCCEEDED) throw new Error(`bench workflow ended ${WorkflowExecutionPhase[state.phase]}`);
  return { ms: performance.now() - started, transitions, events };
}

/**
 * Runs one execution, one event per step, timing `encodeStateDelta` against the previous step's
 * state; returns per-step µs, node rows and header bytes (the start and the fan-out step included).
 */
function deltaRun(compiled: CompiledWorkflowClosure, options: ExecutionOptions): { us: number[]; rows: number[]; headerBytes: number[] } {
  const engine = createEngine(compiled, options);
  let state: ExecutionState = engine.initialState();
  const queue: EngineEvent[] = [{ type: "start", inputs: input1 }];
  const out = { us: [] as number[], rows: [] as number[], headerBytes: [] as number[] };
  let events = 0;
  for (let event = queue.shift(); event; event = queue.shift()) {
    const step = engine.handle(state, event, events++);
    const started = performance.now();
    const delta = encodeStateDelta(state, step.state);
    out.us.push((performance.now() - started) * 1000);
    out.rows.push(delta.nodes.length);
    out.headerBytes.push(delta.header.length);
    state = step.state;
    for (const decision of step.decisions) {
      if (decision.type === "startAttempt") queue.push({ type: "attemptSucceeded", node: decision.node, attempt: decision.attempt, outputs: output1 });
    }
  }
  if (state.phase !== WorkflowExecutionPhase.SUCCEEDED) throw new Error(`bench workflow ended ${WorkflowExecutionPhase[state.phase]}`);
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const runs = Number(process.env.SKEIN_BENCH_RUNS ?? 7);
const scenarios: Scenario[] = [
  { name: "fan-out 10,000 nodes", closure: fanOut(10_000), targetMs: 2000 },
  { name: "chain 1,000 nodes", closure: chain(1_000) },
];
for (const scenario of scenarios) {
  runOnce(scenario.closure);
  const samples = Array.from({ length: runs }, () => runOnce(scenario.closure));
  const totals = samples.map((s) => s.ms).sort((a, b) => a - b);
  const perTransition = samples.map((s) => (s.ms * 1000) / s.transitions).sort((a, b) => a - b);
  const { transitions, events } = samples[0] ?? { transitions: 0, events: 0 };
  const p50 = percentile(perTransition, 50);
  const lines = [
    `${scenario.name}: ${transitions} transitions, ${events} events, ${runs} runs`,
    `  per transition: p50=${p50.toFixed(2)}µs p90=${percentile(perTransition, 90).toFixed(2)}µs max=${(perTransition.at(-1) ?? 0).toFixed(2)}µs  (target 50µs: ${(p50 / 50).toFixed(3)}x)`,
    `  whole run:      p50=${percentile(totals, 50).toFixed(1)}ms p90=${percentile(totals, 90).toFixed(1)}ms` +
      (scenario.targetMs ? `  (target ${scenario.targetMs}ms: ${(percentile(totals, 50) / scenario.targetMs).toFixed(3)}x)` : ""),
  ];
  console.log(lines.join("\n"));
}

const deltaScenarios: { readonly name: string; readonly options: ExecutionOptions }[] = [
  { name: "state delta, fan-out 10,000 nodes", options: {} },
  { name: "state delta, fan-out 10,000 nodes, parallelism 10", options: { maxParallelism: 10 } },
];
const fan = fanOut(10_000);
for (const scenario of deltaScenarios) {
  deltaRun(fan, scenario.options);
  const samples = Array.from({ length: runs }, () => deltaRun(fan, scenario.options));
  const us = samples.flatMap((s) => s.us).sort((a, b) => a - b);
  const first = samples[0] ?? { us: [], rows: [], headerBytes: [] };
  const rows = [...first.rows].sort((a, b) => a - b);
  const header = [...first.headerBytes].sort((a, b) => a - b);
  const lines = [
    `${scenario.name}: ${first.us.length} steps, ${runs} runs`,
    `  per step:   p50=${percentile(us, 50).toFixed(2)}µs p99=${percentile(us, 99).toFixed(2)}µs max=${(us.at(-1) ?? 0).toFixed(0)}µs`,
    `  node rows:  p50=${percentile(rows, 50)} p99=${percentile(rows, 99)} max=${rows.at(-1) ?? 0}  header bytes: p50=${percentile(header, 50)} max=${header.at(-1) ?? 0}`,
  ];
  console.log(lines.join("\n"));
}
