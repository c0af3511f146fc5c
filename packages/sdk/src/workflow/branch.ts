import type { MessageInitShape } from "@bufbuild/protobuf";
import { LogicalOperator, SimpleType, type BooleanExpressionSchema, type LiteralType, type OperandSchema } from "@skein/idl";
import { describeType } from "@skein/engine";
import { DefinitionError } from "../definition-error.js";
import { describeValue, LiteralConversionError, toLiteral } from "../types/convert.js";
import { sameType, simpleType } from "../types/literal-types.js";
import { pendingFor } from "./bindings.js";
import { resultOf } from "./call.js";
import { Condition, type Operand, type BranchCondition } from "./condition.js";
import { currentScope, inScope, NodeBuilder, Scope, type OutputInfo } from "./node.js";
import { NodeHandle, Ref } from "./ref.js";

// when(cond).then(arm).elif(cond, arm).else(arm) | .fail(message) builds one branch node. Each arm
// must call exactly one task, workflow or launch plan (that call is the arm's node) and return
// its result; every arm must return the same outputs, which become the branch's result.

type Arm<R> = () => R;

interface ArmResult {
  readonly node: NodeBuilder;
  readonly outputs: Map<string, OutputInfo>;
  readonly single: boolean;
}

interface Case {
  readonly condition: MessageInitShape<typeof BooleanExpressionSchema>;
  readonly arm: ArmResult;
}

/** Starts a branch on `condition` (a comparison, and/or of comparisons, or a boolean reference). */
export function when(condition: BranchCondition): BranchStart {
  const scope = currentScope("when()");
  const node = new NodeBuilder(scope, "a branch", scope.graph.nextId(), new Map());
  const state = new BranchState(scope, node);
  return new BranchStart(state, state.conditionOf(condition));
}

export class BranchStart {
  constructor(
    private readonly state: BranchState,
    private readonly condition: MessageInitShape<typeof BooleanExpressionSchema>,
  ) {}

  /** The arm run when the condition holds. */
  then<R>(arm: Arm<R>): BranchChain<R> {
    this.state.addCase(this.condition, arm);
    return new BranchChain<R>(this.state);
  }
}

export class BranchChain<R> {
  constructor(private readonly state: BranchState) {}

  /** Another case, tried when the earlier ones do not hold. */
  elif(condition: BranchCondition, arm: Arm<R>): this {
    this.state.addCase(this.state.conditionOf(condition), arm);
    return this;
  }

  /** The arm run when no case holds; returns the branch's result. */
  else(arm: Arm<R>): R {
    const result = this.state.runArm(arm, "else");
    return this.state.complete({ case: "elseNode", value: result.node }, result) as R;
  }

  /** Fails the branch with `message` when no case holds; returns the branch's result. */
  fail(message: string): R {
    return this.state.complete({ case: "error", value: message }, undefined) as R;
  }
}

class BranchState {
  readonly cases: Case[] = [];
  private readonly inputNames = new Map<string, string>();

  constructor(
    readonly scope: Scope,
    readonly node: NodeBuilder,
  ) {
    scope.graph.unfinished.add(`the branch started by when() (node "${node.id}") has no .else() or .fail()`);
  }

  private get owner(): string {
    return `${this.scope.graph.owner}: branch "${this.node.id}"`;
  }

  addCase(condition: MessageInitShape<typeof BooleanExpressionSchema>, arm: Arm<unknown>): void {
    this.cases.push({ condition, arm: this.runArm(arm, `case ${this.cases.length + 1}`) });
  }

  runArm(arm: Arm<unknown>, label: string): ArmResult {
    const armScope = new Scope(this.scope.graph, this.scope);
    const returned = inScope(armScope, arm);
    const where = `${this.owner}: ${label}`;
    if (typeof (returned as { then?: unknown } | null)?.then === "function") throw new DefinitionError(`${where}: an arm must be synchronous (it returned a promise)`);
    const [node, ...more] = armScope.nodes;
    if (!node || more.length > 0) {
      throw new DefinitionError(`${where}: an arm must call exactly one task, workflow or launch plan (it made ${armScope.nodes.length} nodes); put several steps in a workflow and call that`);
    }
    const result = armOutputs(returned, node, where);
    const first = this.cases[0]?.arm;
    if (first) sameOutputs(first, result, where);
    return result;
  }

  conditionOf(condition: BranchCondition): MessageInitShape<typeof BooleanExpressionSchema> {
    const c = condition instanceof Ref ? condition.eq(true) : condition;
    if (!(c instanceof Condition)) throw new DefinitionError(`${this.owner}: expected a condition (x.gt(1), and(a, b), ...) or a boolean reference`);
    const e = c.expr;
    if (e.kind === "compare") {
      return { expr: { case: "comparison", value: { operator: e.op, leftValue: this.operand(e.left, e.right), rightValue: this.operand(e.right, e.left) } } };
    }
    const operator = e.kind === "and" ? LogicalOperator.AND : LogicalOperator.OR;
    return { expr: { case: "conjunction", value: { operator, leftExpression: this.conditionOf(e.left), rightExpression: this.conditionOf(e.right) } } };
  }

  // A reference becomes an input of the branch node (one per distinct reference); a constant a scalar.
  private operand(side: Operand, other: Operand): MessageInitShape<typeof OperandSchema> {
    if (side instanceof Ref) {
      comparable(side.type, `${this.owner}: ${side.describe()}`);
      const key = `${side.node ? "n" : "s"}:${side.describe()}`;
      let name = this.inputNames.get(key);
      if (name === undefined) {
        name = `x${this.inputNames.size}`;
        this.inputNames.set(key, name);
        this.node.inputs.push({ var: name, data: pendingFor(side, side.type, this.scope, `${this.owner}: condition`) });
      }
      return { val: { case: "var", value: name } };
    }
    const literal = constantLiteral(side, other instanceof Ref ? other.type : undefined, this.owner);
    if (literal.value.case !== "scalar") throw new DefinitionError(`${this.owner}: a condition compares scalars only`);
    return { val: { case: "scalar", value: literal.value.value } };
  }

  complete(fallback: { case: "elseNode"; value: NodeBuilder } | { case: "error"; value: string }, elseArm: ArmResult | undefined): unknown {
    const [first, ...others] = this.cases;
    if (!first) throw new DefinitionError(`${this.owner}: a branch needs at least one case`);
    const outputs = first.arm.outputs;
    for (const [name, info] of outputs) this.node.outputs.set(name, info);
    const node = this.node;
    node.target = () => ({
      case: "branchNode",
      value: {
        ifElse: {
          case: { condition: first.condition, thenNode: first.arm.node.toProto() },
          other: others.map((c) => ({ condition: c.condition, thenNode: c.arm.node.toProto() })),
          default: fallback.case === "elseNode" ? { case: "elseNode", value: fallback.value.toProto() } : { case: "error", value: { failedNodeId: node.id, message: fallback.value } },
        },
      },
    });
    this.scope.graph.unfinished.delete(`the branch started by when() (node "${node.id}") has no .else() or .fail()`);
    this.scope.add(node);
    return resultOf(node, (elseArm ?? first.arm).single);
  }
}

function armOutputs(returned: unknown, node: NodeBuilder, where: string): ArmResult {
  const refs: Ref[] = [];
  let single = false;
  if (returned instanceof Ref) {
    refs.push(returned);
    single = true;
  } else if (returned !== undefined && !(returned instanceof NodeHandle)) {
    if (typeof returned !== "object" || returned === null) throw new DefinitionError(`${where}: an arm must return the result of its call, got ${typeof returned}`);
    for (const value of Object.values(returned)) {
      if (!(value instanceof Ref)) throw new DefinitionError(`${where}: an arm must return the result of its call`);
      refs.push(value);
    }
  } else if (returned instanceof NodeHandle && returned.node !== node) {
    throw new DefinitionError(`${where}: an arm must return the result of the call it makes`);
  }
  const outputs = new Map<string, OutputInfo>();
  for (const ref of refs) {
    if (ref.node !== node || ref.attrPath.length > 0) throw new DefinitionError(`${where}: an arm must return outputs of the call it makes, not ${ref.describe()}`);
    outputs.set(ref.variable, { type: ref.type, schema: ref.schema });
  }
  return { node, outputs, single };
}

function sameOutputs(first: ArmResult, other: ArmResult, where: string): void {
  const names = (r: ArmResult) => [...r.outputs.keys()].sort().join(", ") || "nothing";
  if (names(first) !== names(other)) throw new DefinitionError(`${where}: every arm must return the same outputs: the first returns ${names(first)}, this one ${names(other)}`);
  for (const [name, info] of first.outputs) {
    const type = other.outputs.get(name)?.type;
    if (type && !sameType(type, info.type)) {
      throw new DefinitionError(`${where}: output "${name}" is ${describeType(type)} here but ${describeType(info.type)} in the first arm`);
    }
  }
}

const comparableSimple = new Set([SimpleType.INTEGER, SimpleType.FLOAT, SimpleType.STRING, SimpleType.BOOLEAN, SimpleType.DATETIME, SimpleType.DURATION]);

function comparable(type: LiteralType, what: string): void {
  const t = type.type;
  const ok = (t.case === "simple" && comparableSimple.has(t.value)) || t.case === "enumType";
  if (!ok) throw new DefinitionError(`${what}: a ${describeType(type)} cannot be compared; conditions compare ints, floats, strings, booleans, datetimes, durations and enums`);
}

function constantLiteral(value: Operand, otherType: LiteralType | undefined, owner: string) {
  if (otherType) {
    try {
      return toLiteral(value, otherType.type.case === "enumType" ? simpleType(SimpleType.STRING) : otherType);
    } catch (error) {
      if (!(error instanceof LiteralConversionError)) throw error;
    }
  }
  const kind = constantKind(value);
  if (kind === undefined) throw new DefinitionError(`${owner}: cannot compare with ${describeValue(value)}`);
  return toLiteral(value, simpleType(kind));
}

function constantKind(value: Operand): SimpleType | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? SimpleType.INTEGER : SimpleType.FLOAT;
  if (typeof value === "bigint") return SimpleType.INTEGER;
  if (typeof value === "string") return SimpleType.STRING;
  if (typeof value === "boolean") return SimpleType.BOOLEAN;
  if (value instanceof Date) return SimpleType.DATETIME;
  return undefined;
}
