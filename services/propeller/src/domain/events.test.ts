import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { createEngine, type EngineEvent, type ExecutionState, type Step, type WorkflowEngine } from "@skein/engine";
import {
  ComparisonOperator,
  CompiledWorkflowClosureSchema,
  DynamicJobSpecSchema,
  LiteralMapSchema,
  NodeExecutionPhase,
  ResourceType,
  SimpleType,
  TaskTemplateSchema,
  type NodeExecutionEvent,
  type NodeSchema,
} from "@skein/idl";
import { describe, expect, it } from "vitest";
import { eventsOfRecords, type NodeFacts, type Producer } from "./events.js";

// Node events say what a node is, from the engine: the tests drive the engine by hand through
// the steps that make a node dynamic, and read the events propeller would send for them.

const INT = { type: { case: "simple" as const, value: SimpleType.INTEGER } };
const taskId = (name: string) => ({ resourceType: ResourceType.TASK, project: "p", domain: "d", name, version: "v1" });
const variables = (vars: Record<string, typeof INT>) => ({ variables: Object.fromEntries(Object.entries(vars).map(([k, type]) => [k, { type }])) });
const task = (name: string, inputs: Record<string, typeof INT>, outputs: Record<string, typeof INT>) =>
  create(TaskTemplateSchema, { id: taskId(name), type: "typescript", interface: { inputs: variables(inputs), outputs: variables(outputs) } });
const promise = (nodeId: string, v: string) => ({ binding: { value: { case: "promise" as const, value: { nodeId, var: v } } } });
type NodeInit = MessageInitShape<typeof NodeSchema>;
const taskNode = (id: string, name: string, inputs: Record<string, string[]>): NodeInit => ({
  id,
  inputs: Object.entries(inputs).map(([v, [node = "", out = ""]]) => ({ var: v, ...promise(node, out) })),
  target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId(name) } } },
});

const gen = task("gen", { n: INT }, { total: INT });
const add = task("add", { x: INT }, { o0: INT });
const closure = create(CompiledWorkflowClosureSchema, {
  primary: {
    template: {
      id: { resourceType: ResourceType.WORKFLOW, project: "p", domain: "d", name: "wf", version: "v1" },
      interface: { inputs: { variables: { n: { type: INT } } } },
      nodes: [
        taskNode("dyn", "gen", { n: ["start-node", "n"] }),
        { id: "fan", inputs: [{ var: "x", ...promise("start-node", "xs") }], target: { case: "arrayNode", value: { node: taskNode("item", "add", {}) } } },
        {
          id: "br",
          inputs: [{ var: "n", ...promise("start-node", "n") }],
          target: {
            case: "branchNode",
            value: {
              ifElse: {
                case: { condition: { expr: { case: "comparison", value: { operator: ComparisonOperator.EQ, leftValue: { val: { case: "var", value: "n" } }, rightValue: { val: { case: "var", value: "n" } } } } }, thenNode: taskNode("br-then", "add", { x: ["start-node", "n"] }) },
                default: { case: "error", value: { message: "no" } },
              },
            },
          },
        },
      ],
    },
  },
  tasks: [{ template: gen }, { template: add }],
});

const intLiteral = (n: number) => ({ value: { case: "scalar" as const, value: { value: { case: "primitive" as const, value: { value: { case: "integer" as const, value: BigInt(n) } } } } } });
const inputs = create(LiteralMapSchema, { literals: { n: intLiteral(2), xs: { value: { case: "collection", value: { literals: [intLiteral(1), intLiteral(2)] } } } } });
const spec = create(DynamicJobSpecSchema, {
  nodes: [taskNode("dn0", "add", { x: ["start-node", "n"] }), taskNode("dn1", "add", { x: ["dn0", "o0"] })],
  outputs: [{ var: "total", ...promise("dn1", "o0") }],
  tasks: [add],
});
const producer: Producer = { executionId: { $typeName: "skein.core.v1.WorkflowExecutionIdentifier", project: "p", domain: "d", name: "e1" }, cluster: "east", epoch: 1n };

/** Runs the events through the engine, keeping every node event propeller would send. */
function drive(engine: WorkflowEngine, events: EngineEvent[]): { state: ExecutionState; sent: NodeExecutionEvent[] } {
  let state = engine.initialState();
  const sent: NodeExecutionEvent[] = [];
  for (const event of events) {
    const step: Step = engine.handle(state, event, 1000);
    const before = state;
    state = step.state;
    for (const e of eventsOfRecords(producer, step.records, before, state, 1000, engine)) if (e.kind.case === "nodeEvent") sent.push(e.kind.value);
  }
  return { state, sent };
}

const engine = createEngine(closure);
const generated: EngineEvent[] = [{ type: "start", inputs }, { type: "attemptSucceeded", node: "dyn", attempt: 0, dynamic: spec }];
const of = (sent: NodeExecutionEvent[], nodeId: string) => sent.filter((e) => e.id?.nodeId === nodeId);
const flags = (e: NodeExecutionEvent | undefined) => e && [e.isParent, e.isArray, e.isDynamic];

describe("node events", () => {
  it("mark map nodes as parents and arrays, branches as parents, their children and tasks as neither", () => {
    const { sent } = drive(engine, generated);
    expect(of(sent, "fan").map(flags)).not.toHaveLength(0);
    for (const e of of(sent, "fan")) expect(flags(e)).toEqual([true, true, false]);
    for (const e of of(sent, "br")) expect(flags(e)).toEqual([true, false, false]);
    expect(flags(of(sent, "fan-0")[0])).toEqual([false, false, false]);
    expect(flags(of(sent, "br-br-then")[0])).toEqual([false, false, false]);
    expect(of(sent, "fan-0")[0]?.parentNodeMetadata?.nodeId).toBe("fan");
  });

  it("mark a dynamic node once it generated its workflow, and send that workflow once", () => {
    const { sent } = drive(engine, [...generated, { type: "attemptSucceeded", node: "dyn/dn0", attempt: 0, outputs: create(LiteralMapSchema, { literals: { o0: intLiteral(3) } }) }]);
    const dyn = of(sent, "dyn");
    // The node is queued and started in one step: only RUNNING is sent.
    expect(dyn.map((e) => e.phase)).toEqual([NodeExecutionPhase.RUNNING, NodeExecutionPhase.DYNAMIC_RUNNING]);
    // Before the attempt returned a spec nothing tells a dynamic task from a plain one.
    expect(dyn.map(flags)).toEqual([[false, false, false], [true, false, true]]);
    const withWorkflow = dyn.filter((e) => e.targetMetadata.case === "taskNodeMetadata" && e.targetMetadata.value.dynamicWorkflow !== undefined);
    expect(withWorkflow.map((e) => e.phase)).toEqual([NodeExecutionPhase.DYNAMIC_RUNNING]);
    const meta = withWorkflow[0]?.targetMetadata.case === "taskNodeMetadata" ? withWorkflow[0].targetMetadata.value.dynamicWorkflow : undefined;
    expect(meta?.id?.name).toBe("wf.dyn");
    expect(meta?.compiledWorkflow?.primary?.template?.nodes.map((n) => n.id)).toEqual(["dn0", "dn1"]);
    expect(meta?.compiledWorkflow?.primary?.connections?.upstream.dn1?.ids).toEqual(["dn0"]);
    expect(meta?.compiledWorkflow?.tasks.map((t) => t.template?.id?.name)).toEqual(["add"]);
    // The generated nodes are children of the dynamic node, named after their spec ids.
    const children = sent.filter((e) => e.parentNodeMetadata?.nodeId === "dyn");
    expect([...new Set(children.map((e) => `${e.id?.nodeId}:${e.specNodeId}`))]).toEqual(["dyn-dn0:dn0", "dyn-dn1:dn1"]);
    for (const e of children) expect(flags(e)).toEqual([false, false, false]);
    // Later events of the node leave the workflow out: admin keeps what it stored.
    const last = drive(engine, [...generated, { type: "abort", reason: "stop" }]).sent.filter((e) => e.id?.nodeId === "dyn").at(-1);
    expect(last?.phase).toBe(NodeExecutionPhase.ABORTED);
    expect(flags(last)).toEqual([true, false, true]);
    expect(last?.targetMetadata.case === "taskNodeMetadata" ? last.targetMetadata.value.dynamicWorkflow : undefined).toBeUndefined();
  });

  it("carry a node's inputs on its first report only, and leave out a QUEUED that the same step moved on from", () => {
    const { sent } = drive(engine, [...generated, { type: "attemptSucceeded", node: "dyn/dn0", attempt: 0, outputs: create(LiteralMapSchema, { literals: { o0: intLiteral(3) } }) }]);
    const child = of(sent, "dyn-dn0");
    expect(child.map((e) => e.phase)).toEqual([NodeExecutionPhase.RUNNING, NodeExecutionPhase.SUCCEEDED]);
    expect(child.map((e) => e.inputValue.case)).toEqual(["inputData", undefined]);
    expect(child[0]?.inputValue.value).toEqual(create(LiteralMapSchema, { literals: { x: intLiteral(2) } }));
    for (const nodeId of new Set(sent.map((e) => e.id?.nodeId))) {
      const events = of(sent, nodeId ?? "");
      expect(events.filter((e) => e.inputValue.case === "inputData").length, nodeId).toBeLessThanOrEqual(1);
      expect(events.slice(1).every((e) => e.inputValue.case === undefined), nodeId).toBe(true);
    }
    // A node that waits for a slot is queued in one step and started in a later one: both are sent.
    const queued = drive(createEngine(closure, { maxParallelism: 1 }), generated).sent;
    expect(queued.some((e) => e.phase === NodeExecutionPhase.QUEUED)).toBe(true);
  });

  it("leave out a generated workflow admin would refuse, saying why, and still mark the node", () => {
    // A task without project, domain or version: the engine runs it, admin's rules refuse the id.
    const looseId = { resourceType: ResourceType.TASK, name: "loose" };
    const loose = create(TaskTemplateSchema, { id: looseId, type: "typescript", interface: { inputs: variables({ x: INT }), outputs: variables({ o0: INT }) } });
    const looseSpec = create(DynamicJobSpecSchema, {
      nodes: [{ id: "dn0", inputs: [{ var: "x", ...promise("start-node", "n") }], target: { case: "taskNode", value: { reference: { case: "referenceId", value: looseId } } } }],
      outputs: [{ var: "total", ...promise("dn0", "o0") }],
      tasks: [loose],
    });
    const problems: string[] = [];
    const facts: NodeFacts = {
      nodeKind: (s, path) => engine.nodeKind(s, path),
      generatedWorkflow: (s, path) => engine.generatedWorkflow(s, path),
      unreported: (node: string, problem: string) => { problems.push(`${node}: ${problem}`); } };
    let state = engine.initialState();
    const sent: NodeExecutionEvent[] = [];
    for (const event of [generated[0], { type: "attemptSucceeded", node: "dyn", attempt: 0, dynamic: looseSpec }] as EngineEvent[]) {
      const step = engine.handle(state, event, 1000);
      const before = state;
      state = step.state;
      for (const e of eventsOfRecords(producer, step.records, before, state, 1000, facts)) if (e.kind.case === "nodeEvent") sent.push(e.kind.value);
    }
    const running = of(sent, "dyn").find((e) => e.phase === NodeExecutionPhase.DYNAMIC_RUNNING);
    expect(flags(running)).toEqual([true, false, true]);
    expect(running?.targetMetadata.case === "taskNodeMetadata" ? running.targetMetadata.value.dynamicWorkflow : "none").toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^dyn: .*compiled_workflow\.tasks\[0\]\.template\.id\.project: /);
  });
});
