import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** How a project row stores its lifecycle; the API's enum never reaches the database. */
export type ProjectRowState = "active" | "archived";

export interface ProjectTable {
  id: string;
  name: string;
  description: Generated<string>;
  /** Label key to value; written as a JSON string, read back as an object. */
  labels: ColumnType<Record<string, string>, string, string>;
  state: ProjectRowState;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
}

/** How a registered version (task, workflow, launch plan) stores its visibility. */
export type VersionRowState = "active" | "archived";

/** One registered task version; (project, domain, name, version) is the primary key. */
export interface TaskTable {
  project: string;
  domain: string;
  name: string;
  version: string;
  /** The task template, protobuf binary. */
  template: ColumnType<Uint8Array, Uint8Array, never>;
  digest: ColumnType<string, string, never>;
  description: Generated<string>;
  state: VersionRowState;
  created_at: ColumnType<Date, Date, never>;
}

/** The last firing the scheduler handled for one scheduled launch plan version. */
export interface ScheduleCursorTable {
  project: string;
  domain: string;
  name: string;
  version: string;
  last_firing_at: Date;
}

/** A named duty held by one replica at a time until `expires_at`. */
export interface LeaseTable {
  name: string;
  holder: string;
  expires_at: Date;
}

/** One registered workflow version; (project, domain, name, version) is the primary key. */
export interface WorkflowTable {
  project: string;
  domain: string;
  name: string;
  version: string;
  /** The CompiledWorkflowClosure, protobuf binary. */
  closure: ColumnType<Uint8Array, Uint8Array, never>;
  digest: ColumnType<string, string, never>;
  description: Generated<string>;
  state: VersionRowState;
  created_at: ColumnType<Date, Date, never>;
}

/** One registered launch plan version; the workflow it runs is in the same project and domain. */
export interface LaunchPlanTable {
  project: string;
  domain: string;
  name: string;
  version: string;
  workflow_name: ColumnType<string, string, never>;
  workflow_version: ColumnType<string, string, never>;
  /** The LaunchPlanSpec, protobuf binary. */
  spec: ColumnType<Uint8Array, Uint8Array, never>;
  /** The derived LaunchPlanClosure (expected inputs and outputs only), protobuf binary. */
  closure: ColumnType<Uint8Array, Uint8Array, never>;
  digest: ColumnType<string, string, never>;
  /** Whether this is the one active version of its name (a partial unique index keeps it one). */
  active: Generated<boolean>;
  has_schedule: ColumnType<boolean, boolean, never>;
  state: VersionRowState;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
}

/** Which kind of entity a named entity row or a version belongs to. */
export type EntityRowType = "task" | "workflow" | "launch_plan";

/** Metadata of a task, workflow or launch plan name; absent rows mean "active, no description". */
export interface NamedEntityTable {
  resource_type: EntityRowType;
  project: string;
  domain: string;
  name: string;
  description: string;
  state: VersionRowState;
  updated_at: Date;
}

/** The kinds of matchable attributes, as stored. */
export type AttributeRowType = "execution_cluster_label" | "workflow_execution_config" | "plugin_override" | "task_resource";

/** One attribute at one scope; empty scope columns are wildcards (see the migration). */
export interface MatchableAttributeTable {
  resource_type: AttributeRowType;
  project: string;
  domain: string;
  workflow: string;
  launch_plan: string;
  /** The MatchingAttributes payload, protobuf binary. */
  attributes: Uint8Array;
  updated_at: Date;
}

/** Lifecycle of an execution as stored: WorkflowExecutionPhase names, lowercase, without prefix. */
export type ExecutionRowPhase =
  | "undefined"
  | "queued"
  | "running"
  | "succeeding"
  | "succeeded"
  | "failing"
  | "failed"
  | "aborting"
  | "aborted"
  | "timed_out";

/** An int8 column as the drivers return it (pg: string; PGlite: number or bigint). */
export type Int8 = ColumnType<string | number | bigint, bigint | number | string, bigint | number | string>;

/** One workflow execution; (project, domain, name) is the primary key. */
export interface ExecutionTable {
  project: string;
  domain: string;
  name: string;
  target_kind: ColumnType<"launch_plan" | "task", "launch_plan" | "task", never>;
  target_project: ColumnType<string, string, never>;
  target_domain: ColumnType<string, string, never>;
  target_name: ColumnType<string, string, never>;
  target_version: ColumnType<string, string, never>;
  workflow_name: ColumnType<string | null, string | null, never>;
  workflow_version: ColumnType<string | null, string | null, never>;
  /** The ExecutionSpec, protobuf binary. */
  spec: ColumnType<Uint8Array, Uint8Array, never>;
  /** Hash of the creating request; a retry with the same name and digest is the same execution. */
  request_digest: ColumnType<string, string, never>;
  mode: ColumnType<string, string, never>;
  principal: ColumnType<string, string | undefined, never>;
  labels: ColumnType<Record<string, string>, string, never>;
  parent_name: ColumnType<string | null, string | null | undefined, never>;
  reference_name: ColumnType<string | null, string | null | undefined, never>;
  /** Complete inputs (LiteralMap binary) inline, or the blob uri holding them. */
  inputs: ColumnType<Uint8Array | null, Uint8Array | null, never>;
  inputs_uri: ColumnType<string | null, string | null, never>;
  /** The caller's inputs as given, inline or in the blob store. */
  user_inputs: ColumnType<Uint8Array | null, Uint8Array | null, never>;
  user_inputs_uri: ColumnType<string | null, string | null, never>;
  phase: ExecutionRowPhase;
  reason: Generated<string>;
  /** 'waiting' while a QUEUE concurrency policy holds the execution back from the data plane. */
  admission: "admitted" | "waiting";
  /** Owning cluster; '' while unassigned. */
  cluster: Generated<string>;
  assignment_epoch: Int8;
  started_at: Date | null;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
  duration_ms: ColumnType<string | number | bigint | null, bigint | number | string | null, bigint | number | string | null>;
  /** Outputs (LiteralMap binary) inline, or the blob uri holding them. */
  outputs: Uint8Array | null;
  outputs_uri: string | null;
  /** ExecutionError, protobuf binary. */
  error: Uint8Array | null;
  abort_cause: string | null;
  abort_principal: string | null;
  abort_requested_at: Date | null;
  state: "active" | "archived";
}

/** Lowercase NodeExecutionPhase names without the prefix, as a node execution row stores them. */
export type NodeExecutionRowPhase =
  | "queued" | "running" | "succeeded" | "failing" | "failed" | "aborted" | "skipped" | "timed_out" | "dynamic_running" | "recovered";

/** One node of an execution, kept current from node events; see the 2025-07-20 migration. */
export interface NodeExecutionTable {
  project: string;
  domain: string;
  execution_name: string;
  node_id: string;
  parent_node_id: string;
  retry_group: string;
  spec_node_id: string;
  node_name: string;
  phase: NodeExecutionRowPhase;
  reason: string;
  is_parent: boolean;
  is_dynamic: boolean;
  is_array: boolean;
  cluster: string;
  /** LiteralMap binaries inline, or the uri of an offloaded map. */
  inputs: Uint8Array | null;
  inputs_uri: string | null;
  outputs: Uint8Array | null;
  outputs_uri: string | null;
  /** ExecutionError binary. */
  error: Uint8Array | null;
  /** Lowercase CatalogCacheStatus name without the prefix. */
  cache_status: string;
  /** TaskNodeInfo, WorkflowNodeMetadata and DynamicWorkflowNodeMetadata binaries. */
  task_node_info: Uint8Array | null;
  workflow_node_metadata: Uint8Array | null;
  dynamic_workflow: Uint8Array | null;
  dynamic_job_spec_uri: string;
  occurred_at: Date;
  started_at: Date | null;
  duration_ms: Int8 | null;
  created_at: Date;
  updated_at: Date;
  /** The NodeExecution message this row reads as, protobuf binary, written with the row (2026-12-07 migration); null on older rows. */
  message: Uint8Array | null;
}

/** Lowercase TaskExecutionPhase names without the prefix. */
export type TaskExecutionRowPhase =
  | "queued" | "running" | "succeeded" | "aborted" | "failed" | "initializing" | "waiting_for_resources" | "retryable_failed";

/** One task attempt of a node execution, kept current from task events. */
export interface TaskExecutionTable {
  project: string;
  domain: string;
  execution_name: string;
  node_id: string;
  retry_attempt: number;
  task_project: string;
  task_domain: string;
  task_name: string;
  task_version: string;
  phase: TaskExecutionRowPhase;
  phase_version: number;
  reason: string;
  /** [{reason, occurred_at}] oldest first; written as a JSON string. */
  reasons: ColumnType<unknown, string, string>;
  /** TaskLog messages in their JSON form; written as a JSON string. */
  logs: ColumnType<unknown, string, string>;
  custom_info: ColumnType<unknown, string | null, string | null>;
  task_type: string;
  plugin_id: string;
  generated_name: string;
  cluster: string;
  inputs: Uint8Array | null;
  inputs_uri: string | null;
  outputs: Uint8Array | null;
  outputs_uri: string | null;
  error: Uint8Array | null;
  occurred_at: Date;
  started_at: Date | null;
  duration_ms: Int8 | null;
  created_at: Date;
  updated_at: Date;
  /** The TaskExecution message this row reads as, protobuf binary, written with the row (2026-12-07 migration); null on older rows. */
  message: Uint8Array | null;
}

/** What an execution_change row describes. */
export type ChangeRowKind = "execution" | "node" | "task";

/** One change of an execution or its nodes and tasks, in commit order per execution. */
export interface ExecutionChangeTable {
  seq: ColumnType<Int8, never, never>;
  project: string;
  domain: string;
  execution_name: string;
  kind: ChangeRowKind;
  /** The node or task execution after the change, as the API message (protobuf binary). */
  payload: Uint8Array | null;
  /** For execution changes: the execution row after the change (written by a trigger). */
  snapshot: ColumnType<unknown, never, never>;
}

/** One signal a gate node waits for. */
export interface SignalTable {
  project: string;
  domain: string;
  execution_name: string;
  signal_id: string;
  /** LiteralType binary. */
  type: ColumnType<Uint8Array, Uint8Array, never>;
  /** Literal binary; null while unset. */
  value: Uint8Array | null;
  set_by: string;
  created_at: ColumnType<Date, Date, never>;
  set_at: Date | null;
}

/** The admin schema as the repositories see it (the migrations own the truth). */
export interface AdminDatabase {
  project: ProjectTable;
  task: TaskTable;
  workflow: WorkflowTable;
  launch_plan: LaunchPlanTable;
  named_entity: NamedEntityTable;
  matchable_attribute: MatchableAttributeTable;
  schedule_cursor: ScheduleCursorTable;
  lease: LeaseTable;
  execution: ExecutionTable;
  node_execution: NodeExecutionTable;
  task_execution: TaskExecutionTable;
  execution_change: ExecutionChangeTable;
  signal: SignalTable;
}

export type ProjectRow = Selectable<ProjectTable>;
export type NewProjectRow = Insertable<ProjectTable>;
export type ProjectRowUpdate = Updateable<ProjectTable>;
export type TaskRow = Selectable<TaskTable>;
export type NewTaskRow = Insertable<TaskTable>;
export type WorkflowRow = Selectable<WorkflowTable>;
export type NewWorkflowRow = Insertable<WorkflowTable>;
export type LaunchPlanRow = Selectable<LaunchPlanTable>;
export type NewLaunchPlanRow = Insertable<LaunchPlanTable>;
export type NamedEntityRow = Selectable<NamedEntityTable>;
export type MatchableAttributeRow = Selectable<MatchableAttributeTable>;
export type ExecutionRow = Selectable<ExecutionTable>;
export type NewExecutionRow = Insertable<ExecutionTable>;
export type NodeExecutionRow = Selectable<NodeExecutionTable>;
export type TaskExecutionRow = Selectable<TaskExecutionTable>;
export type ExecutionChangeRow = Selectable<ExecutionChangeTable>;
export type SignalRow = Selectable<SignalTable>;
