// Compile errors: every problem the compiler finds, with where it is and what is wrong. The
// compiler never stops at the first problem; callers get the whole list in one result.

/** What kind of problem a compile error reports. */
export type CompileErrorCode =
  | "INVALID_WORKFLOW"
  | "INVALID_INTERFACE"
  | "INVALID_NODE_ID"
  | "DUPLICATE_NODE_ID"
  | "RESERVED_NODE_ID"
  | "MISSING_TARGET"
  | "DUPLICATE_DEFINITION"
  | "UNKNOWN_TASK"
  | "UNKNOWN_SUBWORKFLOW"
  | "UNKNOWN_LAUNCH_PLAN"
  | "RECURSIVE_SUBWORKFLOW"
  | "UNKNOWN_NODE"
  | "UNKNOWN_OUTPUT"
  | "UNKNOWN_INPUT"
  | "MISSING_INPUT"
  | "DUPLICATE_BINDING"
  | "INVALID_BINDING"
  | "BINDING_TYPE_MISMATCH"
  | "INVALID_ALIAS"
  | "CYCLE"
  | "UNREACHABLE_NODE"
  | "MISSING_OUTPUT"
  | "INVALID_BRANCH"
  | "INVALID_ARRAY"
  | "INVALID_GATE"
  | "INVALID_FAILURE_NODE"
  | "INVALID_NODE_METADATA"
  | "INVALID_TASK"
  | "INVALID_CACHE_SETTINGS"
  | "INVALID_RETRY_STRATEGY"
  | "INVALID_DYNAMIC_SPEC";

/** One problem, located as precisely as the compiler can. */
export interface CompileError {
  readonly code: CompileErrorCode;
  /** The workflow whose template has the problem; "" for a task checked on its own. */
  readonly workflow: string;
  /** The node, as a path for nested nodes (`b1/then`, dynamic nodes `n5/dn0`). */
  readonly node?: string;
  /** The node input (or branch operand) concerned. */
  readonly input?: string;
  /** The workflow output concerned. */
  readonly output?: string;
  /** The task concerned, for problems in a task template. */
  readonly task?: string;
  /** The whole message, location included: `workflow "wf", node "n1", input "x": ...`. */
  readonly message: string;
}

/** Where a problem is, short of the workflow (which the sink knows). */
export interface ErrorLocation {
  readonly node?: string;
  readonly input?: string;
  readonly output?: string;
  readonly task?: string;
}

/** Renders errors one per line, each led by its code. */
export function formatCompileErrors(errors: readonly CompileError[]): string {
  return errors.map((e) => `[${e.code}] ${e.message}`).join("\n");
}

/** All the problems of a compilation, thrown by callers that want an exception. */
export class CompileErrors extends Error {
  readonly errors: readonly CompileError[];

  constructor(errors: readonly CompileError[]) {
    const count = errors.length === 1 ? "1 compile error" : `${errors.length} compile errors`;
    super(`${count}:\n${formatCompileErrors(errors)}`);
    this.name = "CompileErrors";
    this.errors = errors;
  }
}

/** Collects errors for one workflow into a list shared by the whole compilation. */
export class ErrorSink {
  constructor(
    readonly workflow: string,
    readonly errors: CompileError[] = [],
  ) {}

  /** A sink for another workflow, writing into the same list. */
  forWorkflow(workflow: string): ErrorSink {
    return new ErrorSink(workflow, this.errors);
  }

  add(code: CompileErrorCode, at: ErrorLocation, problem: string): void {
    const error: { -readonly [K in keyof CompileError]: CompileError[K] } = {
      code,
      workflow: this.workflow,
      message: `${locate(this.workflow, at)}: ${problem}`,
    };
    if (at.task !== undefined) error.task = at.task;
    if (at.node !== undefined) error.node = at.node;
    if (at.input !== undefined) error.input = at.input;
    if (at.output !== undefined) error.output = at.output;
    this.errors.push(error);
  }
}

function locate(workflow: string, at: ErrorLocation): string {
  const parts: string[] = [];
  if (workflow !== "") parts.push(`workflow "${workflow}"`);
  if (at.task !== undefined) parts.push(`task "${at.task}"`);
  if (at.node !== undefined) parts.push(`node "${at.node}"`);
  if (at.input !== undefined) parts.push(`input "${at.input}"`);
  if (at.output !== undefined) parts.push(`output "${at.output}"`);
  return parts.join(", ");
}
