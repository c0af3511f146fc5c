import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { singleTaskWorkflow, type NodePath } from "@skein/engine";
import { create, fromBinary } from "@bufbuild/protobuf";
import { readBlobUri } from "@skein/blob";
import { LiteralMapSchema, LiteralSchema, NodeExecutionPhase, type CompiledWorkflowClosure, type Literal, type LiteralMap, type WorkflowExecutionIdentifier } from "@skein/idl";
import { ExecutionMode, type AdminService, type ExecutionSpec } from "@skein/idl/admin/v1";
import type { NodeExecution } from "@skein/idl/admin/v1";

/** What propeller needs to run an execution, read from admin (all of it immutable). */
export interface ExecutionSource {
  readonly closure: CompiledWorkflowClosure;
  readonly inputs: LiteralMap;
  readonly spec: ExecutionSpec;
}

/** Reads the execution's spec, its compiled workflow and its complete inputs. */
export async function loadExecution(admin: Client<typeof AdminService>, id: WorkflowExecutionIdentifier): Promise<ExecutionSource> {
  const { execution } = await admin.getExecution({ id });
  const spec = execution?.spec;
  if (spec === undefined) throw new ConnectError(`execution ${id.name} has no spec`, Code.Internal);
  const closure = await closureOf(admin, spec);
  const data = await admin.getExecutionData({ id });
  return { closure, inputs: await withOffloadedRead(data.inputs ?? create(LiteralMapSchema, {})), spec };
}

/**
 * The inputs with every value admin offloaded (one above its inline limit, such as a 10,000-item
 * list to map over) read back from its uri: the engine maps over, binds and hashes values, not
 * references to them.
 */
async function withOffloadedRead(inputs: LiteralMap): Promise<LiteralMap> {
  const literals: Record<string, Literal> = {};
  for (const [name, literal] of Object.entries(inputs.literals)) {
    literals[name] = literal.value.case === "offloaded" ? fromBinary(LiteralSchema, await readBlobUri(literal.value.value.uri)) : literal;
  }
  return create(LiteralMapSchema, { literals });
}

async function closureOf(admin: Client<typeof AdminService>, spec: ExecutionSpec): Promise<CompiledWorkflowClosure> {
  const target = spec.target;
  if (target.case === "taskId") {
    const { task } = await admin.getTask({ id: target.value });
    const template = task?.closure?.compiledTask?.template;
    if (template === undefined) throw new ConnectError(`task ${target.value.name}@${target.value.version} has no template`, Code.Internal);
    return singleTaskWorkflow(template);
  }
  if (target.case === "launchPlanId") {
    const { launchPlan } = await admin.getLaunchPlan({ id: target.value });
    const workflowId = launchPlan?.spec?.workflowId;
    if (workflowId === undefined) throw new ConnectError(`launch plan ${target.value.name} has no workflow`, Code.Internal);
    const { workflow } = await admin.getWorkflow({ id: workflowId });
    const compiled = workflow?.closure?.compiledWorkflow;
    if (compiled === undefined) throw new ConnectError(`workflow ${workflowId.name}@${workflowId.version} has no compiled closure`, Code.Internal);
    return compiled;
  }
  throw new ConnectError("execution spec names neither a launch plan nor a task", Code.Internal);
}

/**
 * The execution whose finished nodes this run reuses: its own records when it ran on another
 * cluster before (epoch above 1), else the reference execution of a recovery.
 */
export function recoverySource(id: WorkflowExecutionIdentifier, spec: ExecutionSpec, epoch: bigint): WorkflowExecutionIdentifier | undefined {
  if (epoch > 1n) return id;
  const metadata = spec.metadata;
  if (metadata?.mode === ExecutionMode.RECOVERED && metadata.referenceExecution !== undefined) return metadata.referenceExecution;
  return undefined;
}

const finished = (phase: NodeExecutionPhase) => phase === NodeExecutionPhase.SUCCEEDED || phase === NodeExecutionPhase.RECOVERED;
const unfinishedParent = (phase: NodeExecutionPhase) =>
  phase === NodeExecutionPhase.RUNNING || phase === NodeExecutionPhase.DYNAMIC_RUNNING || phase === NodeExecutionPhase.FAILED || phase === NodeExecutionPhase.FAILING || phase === NodeExecutionPhase.ABORTED || phase === NodeExecutionPhase.TIMED_OUT;

/**
 * Outputs of every node that finished in `source`, by engine path. Nodes that did not finish are
 * searched for finished children (a map with some items done, a subworkflow half through), so
 * the resumed run repeats only what did not complete.
 */
export async function recoveredOutputs(admin: Client<typeof AdminService>, source: WorkflowExecutionIdentifier): Promise<Map<NodePath, LiteralMap>> {
  const outputs = new Map<NodePath, LiteralMap>();
  const visit = async (parentNodeId: string, parentPath: string | undefined) => {
    for await (const node of listNodes(admin, source, parentNodeId)) {
      const id = node.id?.nodeId ?? "";
      const segment = node.metadata?.specNodeId || id;
      const path = parentPath === undefined ? segment : `${parentPath}/${segment}`;
      const phase = node.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED;
      if (finished(phase)) {
        const data = await admin.getNodeExecutionData({ id: { nodeId: id, executionId: source } });
        outputs.set(path, data.outputs ?? { $typeName: "skein.core.v1.LiteralMap", literals: {} });
      } else if (unfinishedParent(phase)) {
        await visit(id, path);
      }
    }
  };
  await visit("", undefined);
  return outputs;
}

async function* listNodes(admin: Client<typeof AdminService>, executionId: WorkflowExecutionIdentifier, parentNodeId: string): AsyncGenerator<NodeExecution> {
  let token = "";
  do {
    const page = await admin.listNodeExecutions({ executionId, parentNodeId, limit: 1000, token });
    yield* page.nodeExecutions;
    token = page.nextToken;
  } while (token !== "");
}
