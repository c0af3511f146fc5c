import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { NodeExecutionPhase, ResourceType, WorkflowExecutionPhase } from "@skein/idl";
import { EventOutcome } from "@skein/idl/admin/v1";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { EventSchema } from "@skein/idl/admin/v1";
import { createAdminClient, type AdminClient } from "@skein/sdk";
import type { TestAdmin } from "../remote/test-admin.test-util.js";

const project = "default";
const domain = "development";

/** An execution of a workflow whose one map node has `children` child nodes, reported straight to admin's event API. */
export interface BigExecution {
  readonly name: string;
  /** The map node's id; its children are `<mapId>-<i>`. */
  readonly mapId: string;
  readonly client: AdminClient;
  /** Child node ids still RUNNING, which `finishChildren` can move on. */
  readonly running: string[];
  /** Reports `ids` as SUCCEEDED, one batch. */
  finishChildren(ids: readonly string[]): Promise<void>;
  /** Removes the scratch directory holding the workflow's source. */
  dispose(): void;
}

type EventInit = MessageInitShape<typeof EventSchema>;

/** What a node event says about the node besides its phase. */
interface NodeFacts {
  readonly isParent?: boolean;
  readonly isArray?: boolean;
  readonly nodeName?: string;
  readonly specNodeId?: string;
  readonly retryGroup?: string;
  readonly parentNodeMetadata?: { readonly nodeId: string };
}

/**
 * Registers a map workflow on `admin` and starts one execution of it whose map node has
 * `children` children (every third one still running), as a data plane would report them: in
 * batches through CreateEvents, as cluster "local" at epoch 1 (the in-process dispatcher's
 * assignment). Nothing runs; admin only records what it is told.
 */
export async function createBigExecution(admin: TestAdmin, children: number, name = "big"): Promise<BigExecution> {
  // Inside the repository so that the source resolves @skein/sdk as user code does.
  const scratch = mkdtempSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".test-console-big-"));
  const file = join(scratch, "fan.ts");
  writeFileSync(file, [
    `import { map, t, task, workflow } from "@skein/sdk";`,
    `export const square = task({ name: "square", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => x * x);`,
    `export const fan = workflow({ name: "fan", inputs: { xs: t.list(t.int()) }, outputs: t.list(t.int()) }, ({ xs }) => map(square)({ x: xs }).named("squares"));`,
    "",
  ].join("\n"));
  const client = createAdminClient(admin.admin.url);
  const registered = await admin.skein("register", file, "--version", "v1");
  if (registered.code !== 0) throw new Error(`registering the map workflow failed: ${registered.err}`);
  const { launchPlans } = await client.listLaunchPlans({ project, domain, name: "fan", limit: 1 });
  const plan = launchPlans[0]?.id;
  const workflowId = launchPlans[0]?.spec?.workflowId;
  if (plan === undefined || workflowId === undefined) throw new Error("the map workflow has no launch plan");
  const { workflow } = await client.getWorkflow({ id: { ...workflowId, resourceType: ResourceType.WORKFLOW } });
  // A top-level node execution has its template node's id.
  const mapId = workflow?.closure?.compiledWorkflow?.primary?.template?.nodes[0]?.id;
  if (mapId === undefined) throw new Error("the map workflow has no node");
  await client.createExecution({ project, domain, name, target: { case: "launchPlanId", value: plan },
    inputs: { literals: { xs: { value: { case: "collection", value: { literals: [] } } } } } });
  const executionId = { project, domain, name };
  const send = async (events: EventInit[]) => {
    for (let i = 0; i < events.length; i += 500) {
      const { results } = await client.createEvents({ events: events.slice(i, i + 500) });
      const refused = results.find((r) => r.outcome !== EventOutcome.ACCEPTED && r.outcome !== EventOutcome.DUPLICATE);
      if (refused !== undefined) throw new Error(`admin refused an event: ${EventOutcome[refused.outcome]} ${refused.message}`);
    }
  };
  const node = (nodeId: string, phase: NodeExecutionPhase, extra: NodeFacts = {}): EventInit => ({
    kind: { case: "nodeEvent", value: { id: { nodeId, executionId }, producerId: "local", epoch: 1n, phase, occurredAt: timestampNow(), ...extra } },
  });
  await send([{ kind: { case: "workflowEvent", value: { executionId, producerId: "local", epoch: 1n, phase: WorkflowExecutionPhase.RUNNING, occurredAt: timestampNow() } } }]);
  await send([node(mapId, NodeExecutionPhase.RUNNING, { isParent: true, isArray: true, nodeName: "squares", specNodeId: mapId })]);
  const ids = Array.from({ length: children }, (_, i) => `${mapId}-${i}`);
  const child = (id: string, phase: NodeExecutionPhase) => node(id, phase, { parentNodeMetadata: { nodeId: mapId }, specNodeId: mapId, nodeName: "square", retryGroup: "0" });
  await send(ids.map((id) => child(id, NodeExecutionPhase.RUNNING)));
  const running = ids.filter((_, i) => i % 3 === 0);
  await send(ids.filter((_, i) => i % 3 !== 0).map((id) => child(id, NodeExecutionPhase.SUCCEEDED)));
  return {
    name,
    mapId,
    client,
    running,
    finishChildren: (finished) => send(finished.map((id) => child(id, NodeExecutionPhase.SUCCEEDED))),
    dispose: () => { rmSync(scratch, { recursive: true, force: true }); },
  };
}

