import { toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { WorkflowExecutionPhase } from "@skein/idl";
import { ExecutionSchema, LaunchPlanSchema, LaunchPlanState, ProjectSchema, TaskSchema, WorkflowSchema, type Execution, type LaunchPlan, type Project, type Task, type Workflow } from "@skein/idl/admin/v1";
import type { AdminClient } from "@skein/sdk";
import { formatDuration, formatTime, workflowPhaseName } from "../remote/format.js";
import type { RemoteTarget } from "../remote/target.js";
import type { Page } from "./paging.js";

/** One kind of list `skein get` shows: how to fetch a page, the table's columns, the JSON form. */
export interface ListView<T> {
  readonly schema: DescMessage;
  readonly header: readonly string[];
  fetch(client: AdminClient, target: RemoteTarget, token: string, limit: number): Promise<Page<T>>;
  row(item: T): string[];
}

function view<D extends DescMessage>(schema: D, header: readonly string[], fetch: ListView<MessageShape<D>>["fetch"], row: ListView<MessageShape<D>>["row"]): ListView<MessageShape<D>> {
  return { schema, header, fetch, row };
}

export const projectsView: ListView<Project> = view(
  ProjectSchema,
  ["ID", "NAME", "DESCRIPTION", "CREATED"],
  async (client, _target, token, limit) => {
    const page = await client.listProjects({ token, limit });
    return { items: page.projects, nextToken: page.nextToken };
  },
  (p) => [p.id, p.name, p.description, formatTime(p.createdAt)],
);

export const tasksView: ListView<Task> = view(
  TaskSchema,
  ["NAME", "VERSION", "TYPE", "CREATED"],
  async (client, target, token, limit) => {
    const page = await client.listTasks({ project: target.project, domain: target.domain, token, limit });
    return { items: page.tasks, nextToken: page.nextToken };
  },
  (t) => [t.id?.name ?? "", t.id?.version ?? "", t.closure?.compiledTask?.template?.type ?? "", formatTime(t.closure?.createdAt)],
);

export const workflowsView: ListView<Workflow> = view(
  WorkflowSchema,
  ["NAME", "VERSION", "CREATED"],
  async (client, target, token, limit) => {
    const page = await client.listWorkflows({ project: target.project, domain: target.domain, token, limit });
    return { items: page.workflows, nextToken: page.nextToken };
  },
  (w) => [w.id?.name ?? "", w.id?.version ?? "", formatTime(w.closure?.createdAt)],
);

function scheduleText(plan: LaunchPlan): string {
  const schedule = plan.spec?.schedule?.kind;
  if (schedule?.case === "cron") return `cron ${schedule.value.expression}`;
  if (schedule?.case === "fixedRate") return `every ${schedule.value.value} ${["", "minute", "hour", "day"][schedule.value.unit] ?? ""}`.trimEnd();
  return "-";
}

export const launchPlansView: ListView<LaunchPlan> = view(
  LaunchPlanSchema,
  ["NAME", "VERSION", "STATE", "WORKFLOW", "SCHEDULE", "CREATED"],
  async (client, target, token, limit) => {
    const page = await client.listLaunchPlans({ project: target.project, domain: target.domain, token, limit });
    return { items: page.launchPlans, nextToken: page.nextToken };
  },
  (p) => [
    p.id?.name ?? "",
    p.id?.version ?? "",
    p.closure?.state === LaunchPlanState.ACTIVE ? "ACTIVE" : "INACTIVE",
    `${p.spec?.workflowId?.name ?? ""}@${p.spec?.workflowId?.version ?? ""}`,
    scheduleText(p),
    formatTime(p.closure?.createdAt),
  ],
);

/** What an execution runs, as `name@version` (a task run on its own is marked as such). */
export function executionTarget(e: Execution): string {
  const target = e.spec?.target;
  if (target?.case === "launchPlanId") return `${target.value.name}@${target.value.version}`;
  if (target?.case === "taskId") return `task ${target.value.name}@${target.value.version}`;
  return "-";
}

export const executionsView: ListView<Execution> = view(
  ExecutionSchema,
  ["NAME", "PHASE", "TARGET", "CLUSTER", "CREATED", "DURATION"],
  async (client, target, token, limit) => {
    const page = await client.listExecutions({ project: target.project, domain: target.domain, token, limit });
    return { items: page.executions, nextToken: page.nextToken };
  },
  (e) => [e.id?.name ?? "", workflowPhaseName(e.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED), executionTarget(e), e.closure?.cluster || "-", formatTime(e.closure?.createdAt), formatDuration(e.closure?.duration)],
);

/** A list item as JSON, with proto field names. */
export function itemJson<T>(v: ListView<T>, item: T): unknown {
  return toJson(v.schema, item as MessageShape<DescMessage>, { useProtoFieldName: true });
}
