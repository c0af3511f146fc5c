import { create, equals, fromBinary, fromJson, toBinary, toJson, type DescMessage, type MessageInitShape, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  BindingDataSchema,
  BlobDimensionality,
  ComparisonOperator,
  GateNodeSchema,
  LiteralSchema,
  LiteralTypeSchema,
  LogicalOperator,
  NodeSchema,
  PrimitiveSchema,
  ResourceType,
  ScalarSchema,
  SimpleType,
  WorkflowFailurePolicy,
  WorkflowNodeSchema,
  WorkflowTemplateSchema,
  type Literal,
  type LiteralType,
  type Node,
} from "./index.js";

const string: LiteralType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.STRING } });
const integer: LiteralType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER } });

function primitive(value: MessageInitShape<typeof PrimitiveSchema>["value"]): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value } } } } });
}

function scalar(value: MessageInitShape<typeof ScalarSchema>["value"]): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value } } });
}

const taskId = { resourceType: ResourceType.TASK, project: "demo", domain: "development", name: "say_hello", version: "v1" };

/** One literal per kind: every primitive, every scalar, and every literal shape. */
const literals: Record<string, Literal> = {
  integer: primitive({ case: "integer", value: 9_223_372_036_854_775_807n }),
  float: primitive({ case: "floatValue", value: 0.1 }),
  string: primitive({ case: "stringValue", value: "Hello, Ada!" }),
  boolean: primitive({ case: "boolean", value: true }),
  datetime: primitive({ case: "datetime", value: timestampFromDate(new Date("2026-11-25T18:00:00.123Z")) }),
  duration: primitive({ case: "duration", value: durationFromMs(90_500) }),
  file: scalar({
    case: "blob",
    value: { uri: "file:///data/train.csv", metadata: { type: { format: "csv", dimensionality: BlobDimensionality.SINGLE } } },
  }),
  directory: scalar({
    case: "blob",
    value: { uri: "s3://bucket/model/", metadata: { type: { format: "", dimensionality: BlobDimensionality.MULTIPART } } },
  }),
  binary: scalar({ case: "binary", value: { value: new Uint8Array([0, 1, 2, 255]), tag: "msgpack" } }),
  struct: scalar({ case: "structValue", value: { json: '{"big":9007199254740993,"name":"m"}' } }),
  none: scalar({ case: "noneType", value: {} }),
  error: scalar({ case: "error", value: { failedNodeId: "n1", message: "boom" } }),
  union: scalar({
    case: "union",
    value: { value: primitive({ case: "integer", value: 3n }), type: integer },
  }),
  collection: create(LiteralSchema, {
    value: { case: "collection", value: { literals: [primitive({ case: "stringValue", value: "a" }), primitive({ case: "stringValue", value: "b" })] } },
  }),
  map: create(LiteralSchema, {
    value: { case: "map", value: { literals: { lr: primitive({ case: "floatValue", value: 0.01 }) } } },
    hash: "sha256:abc",
    metadata: { source: "test" },
  }),
  offloaded: create(LiteralSchema, {
    value: { case: "offloaded", value: { uri: "file:///blobs/x.pb", sizeBytes: 12_000_000n, inferredType: string, hash: "h1" } },
  }),
};

const promise = { nodeId: "n0", var: "o0", attrPath: [{ value: { case: "stringValue" as const, value: "metrics" } }, { value: { case: "intValue" as const, value: 0 } }] };

const bindingData = {
  scalar: create(BindingDataSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: "x" } } } } } }),
  collection: create(BindingDataSchema, { value: { case: "collection", value: { bindings: [{ value: { case: "promise", value: promise } }] } } }),
  promise: create(BindingDataSchema, { value: { case: "promise", value: promise }, union: { targetType: string } }),
  map: create(BindingDataSchema, { value: { case: "map", value: { bindings: { a: { value: { case: "promise", value: promise } } } } } }),
  offloaded: create(BindingDataSchema, { value: { case: "offloaded", value: { uri: "file:///b.pb", sizeBytes: 1n } } }),
};

const nameBinding = { var: "name", binding: { value: { case: "promise" as const, value: { nodeId: "start-node", var: "name" } } } };
const taskNode = (id: string) =>
  create(NodeSchema, { id, inputs: [nameBinding], target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId } } } });

/** One node per kind, with every variant of the kinds that have several. */
const nodes: Record<string, Node> = {
  task: create(NodeSchema, {
    id: "n0",
    metadata: { name: "say_hello", timeout: durationFromMs(60_000), retries: { retries: 3, initialDelay: durationFromMs(1000), multiplier: 2, maxDelay: durationFromMs(30_000) } },
    inputs: [nameBinding],
    upstreamNodeIds: [],
    outputAliases: [{ var: "o0", alias: "greeting" }],
    target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId }, overrides: { containerImage: "node:22" } } },
  }),
  launchPlan: create(NodeSchema, {
    id: "n1",
    target: { case: "workflowNode", value: { reference: { case: "launchplanRef", value: { ...taskId, resourceType: ResourceType.LAUNCH_PLAN, name: "nightly" } } } },
  }),
  subWorkflow: create(NodeSchema, {
    id: "n2",
    target: { case: "workflowNode", value: { reference: { case: "subWorkflowRef", value: { ...taskId, resourceType: ResourceType.WORKFLOW, name: "sub" } } } },
  }),
  branch: create(NodeSchema, {
    id: "n3",
    target: {
      case: "branchNode",
      value: {
        ifElse: {
          case: {
            condition: {
              expr: {
                case: "conjunction",
                value: {
                  operator: LogicalOperator.AND,
                  leftExpression: { expr: { case: "comparison", value: { operator: ComparisonOperator.GT, leftValue: { val: { case: "var", value: "accuracy" } }, rightValue: { val: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "floatValue", value: 0.9 } } } } } } } } },
                  rightExpression: { expr: { case: "comparison", value: { operator: ComparisonOperator.EQ, leftValue: { val: { case: "var", value: "mode" } }, rightValue: { val: { case: "var", value: "expected" } } } } },
                },
              },
            },
            thenNode: taskNode("n3-then"),
          },
          other: [{ condition: { expr: { case: "comparison", value: { operator: ComparisonOperator.LTE, leftValue: { val: { case: "var", value: "accuracy" } }, rightValue: { val: { case: "var", value: "floor" } } } } }, thenNode: taskNode("n3-elif") }],
          default: { case: "error", value: { failedNodeId: "n3", message: "accuracy out of range" } },
        },
      },
    },
  }),
  branchElse: create(NodeSchema, {
    id: "n3b",
    target: {
      case: "branchNode",
      value: { ifElse: { case: { condition: { expr: { case: "comparison", value: { operator: ComparisonOperator.NEQ, leftValue: { val: { case: "var", value: "a" } }, rightValue: { val: { case: "var", value: "b" } } } } }, thenNode: taskNode("x") }, default: { case: "elseNode", value: taskNode("y") } } },
    },
  }),
  approve: create(NodeSchema, { id: "n4", target: { case: "gateNode", value: { condition: { case: "approve", value: { signalId: "deploy-ok" } } } } }),
  signal: create(NodeSchema, {
    id: "n5",
    target: { case: "gateNode", value: { condition: { case: "signal", value: { signalId: "threshold", type: integer, outputVariableName: "value" } } } },
  }),
  sleep: create(NodeSchema, { id: "n6", target: { case: "gateNode", value: { condition: { case: "sleep", value: { duration: durationFromMs(5000) } } } } }),
  array: create(NodeSchema, {
    id: "n7",
    target: { case: "arrayNode", value: { node: taskNode("n7-item"), parallelismOption: { case: "parallelism", value: 8 }, successCriteria: { case: "minSuccessRatio", value: 0.75 }, boundInputs: ["dataset"] } },
  }),
  arrayMinSuccesses: create(NodeSchema, {
    id: "n8",
    target: { case: "arrayNode", value: { node: taskNode("n8-item"), successCriteria: { case: "minSuccesses", value: 2 } } },
  }),
};

function roundTrip<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): void {
  const viaBinary = fromBinary(schema, toBinary(schema, message));
  expect(equals(schema, viaBinary, message), `${schema.typeName} binary round trip`).toBe(true);
  const json = toJson(schema, message);
  const viaJson = fromJson(schema, JSON.parse(JSON.stringify(json)) as JsonValue);
  expect(equals(schema, viaJson, message), `${schema.typeName} JSON round trip`).toBe(true);
}

/** Names of the fields in a message's oneof, as protobuf-es spells its cases. */
function oneofCases(schema: DescMessage, oneof: string): string[] {
  const found = schema.oneofs.find((o) => o.name === oneof);
  if (!found) throw new Error(`${schema.typeName} has no oneof ${oneof}`);
  return found.fields.map((f) => f.localName).sort();
}

function casesOf(messages: { value: { case: string | undefined } }[]): string[] {
  return [...new Set(messages.map((m) => m.value.case).filter((c): c is string => c !== undefined))].sort();
}

describe("every literal kind", () => {
  it("covers every Literal, Scalar and Primitive case", () => {
    const all = Object.values(literals);
    expect(casesOf(all)).toEqual(oneofCases(LiteralSchema, "value"));
    const scalars = all.flatMap((l) => (l.value.case === "scalar" ? [l.value.value] : []));
    expect(casesOf(scalars)).toEqual(oneofCases(ScalarSchema, "value"));
    const primitives = scalars.flatMap((s) => (s.value.case === "primitive" ? [s.value.value] : []));
    expect(casesOf(primitives)).toEqual(oneofCases(PrimitiveSchema, "value"));
    expect(casesOf(Object.values(bindingData))).toEqual(oneofCases(BindingDataSchema, "value"));
  });

  it.each(Object.entries(literals))("round-trips %s through binary and JSON", (_, literal) => {
    roundTrip(LiteralSchema, literal);
  });

  it.each(Object.entries(bindingData))("round-trips %s binding data", (_, binding) => {
    roundTrip(BindingDataSchema, binding);
  });

  it("keeps 64-bit integers exact in JSON, as strings", () => {
    const json = toJson(LiteralSchema, literals.integer!) as { scalar: { primitive: { integer: unknown } } };
    expect(json.scalar.primitive.integer).toBe("9223372036854775807");
  });
});

describe("every node kind", () => {
  it("covers every Node target, workflow reference and gate condition", () => {
    const all = Object.values(nodes);
    expect(casesOf(all.map((n) => ({ value: n.target })))).toEqual(oneofCases(NodeSchema, "target"));
    const workflowRefs = all.flatMap((n) => (n.target.case === "workflowNode" ? [{ value: n.target.value.reference }] : []));
    expect(casesOf(workflowRefs)).toEqual(oneofCases(WorkflowNodeSchema, "reference"));
    const gates = all.flatMap((n) => (n.target.case === "gateNode" ? [{ value: n.target.value.condition }] : []));
    expect(casesOf(gates)).toEqual(oneofCases(GateNodeSchema, "condition"));
  });

  it.each(Object.entries(nodes))("round-trips a %s node through binary and JSON", (_, node) => {
    roundTrip(NodeSchema, node);
  });

  it("round-trips a workflow holding every node, a failure node and a timeout", () => {
    const workflow = create(WorkflowTemplateSchema, {
      id: { ...taskId, resourceType: ResourceType.WORKFLOW, name: "wf" },
      metadata: { onFailure: WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE, timeout: durationFromMs(3_600_000), tags: { team: "ml" } },
      interface: {
        inputs: { variables: { name: { type: string, description: "who to greet" } } },
        outputs: { variables: { o0: { type: string } } },
      },
      nodes: Object.values(nodes),
      outputs: [{ var: "o0", binding: { value: { case: "promise", value: { nodeId: "n0", var: "o0" } } } }],
      failureNode: taskNode("on-failure"),
    });
    roundTrip(WorkflowTemplateSchema, workflow);
  });
});
