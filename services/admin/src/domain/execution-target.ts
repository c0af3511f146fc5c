import { fromBinary } from "@bufbuild/protobuf";
import type { ConcurrencyPolicy } from "@skein/idl/admin/v1";
import { LaunchPlanClosureSchema } from "@skein/idl/admin/v1";
import type { LaunchPlanRow, TaskRow } from "../repositories/database.js";
import type { LaunchPlanNameKey } from "../repositories/execution-repository.js";
import { launchPlanSpecFromRow } from "../repositories/transformers/launch-plan-transformer.js";
import { taskTemplateFromRow } from "../repositories/transformers/task-transformer.js";
import { singleTaskWorkflow } from "./execution-single-task.js";
import type { InputContract } from "./input-check.js";

/**
 * What an execution needs from its target version (a launch plan, or a task run on its own), all
 * of it derived from the version's registered content. A registered version never changes, so
 * this is valid for as long as the row keeps the same `digest`; only its archived state and its
 * existence can change, and creation reads those under the version's row lock.
 */
export interface ExecutionTarget {
  readonly kind: "launch_plan" | "task";
  /** The registered content's digest; a version deleted and registered again may differ. */
  readonly digest: string;
  readonly contract: InputContract;
  readonly workflow: { readonly name: string; readonly version: string } | null;
  readonly labels: Readonly<Record<string, string>>;
  /** The launch plan's own cluster label; "" means matchable attributes decide. */
  readonly clusterLabel: string;
  readonly overwriteCache: boolean;
  readonly maxParallelism: number;
  readonly concurrency?: { readonly name: LaunchPlanNameKey; readonly policy: ConcurrencyPolicy };
  /** Where matchable attributes are looked up for this target. */
  readonly attributeScope: { readonly project: string; readonly domain: string; readonly workflow?: string; readonly launchPlan?: string };
}

/** The target a launch plan version defines. */
export function launchPlanTarget(row: LaunchPlanRow): ExecutionTarget {
  const spec = launchPlanSpecFromRow(row);
  const closure = fromBinary(LaunchPlanClosureSchema, row.closure);
  return {
    kind: "launch_plan",
    digest: row.digest,
    contract: {
      kind: "launch_plan",
      expected: closure.expectedInputs ?? { $typeName: "skein.core.v1.ParameterMap", parameters: {} },
      fixed: spec.fixedInputs ?? { $typeName: "skein.core.v1.LiteralMap", literals: {} },
    },
    workflow: { name: row.workflow_name, version: row.workflow_version },
    labels: spec.labels,
    clusterLabel: spec.executionClusterLabel,
    overwriteCache: spec.overwriteCache,
    maxParallelism: spec.maxParallelism,
    ...(spec.concurrencyPolicy !== undefined ? { concurrency: { name: { project: row.project, domain: row.domain, name: row.name }, policy: spec.concurrencyPolicy } } : {}),
    attributeScope: { project: row.project, domain: row.domain, workflow: row.workflow_name, launchPlan: row.name },
  };
}

/** The target a task version defines when run on its own; throws when it cannot be wrapped in a workflow. */
export function taskTarget(row: TaskRow): ExecutionTarget {
  const template = taskTemplateFromRow(row);
  singleTaskWorkflow(template);
  return {
    kind: "task",
    digest: row.digest,
    contract: { kind: "task", expected: template.interface?.inputs ?? { $typeName: "skein.core.v1.VariableMap", variables: {} } },
    workflow: null,
    labels: {},
    clusterLabel: "",
    overwriteCache: false,
    maxParallelism: 0,
    attributeScope: { project: row.project, domain: row.domain },
  };
}

/**
 * A bounded least-recently-used map. Used for derived facts of immutable registered versions, so
 * an evicted entry only costs one read of the row again.
 */
export class BoundedCache<V> {
  readonly #entries = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    // Map iteration order is insertion order: re-inserting marks the entry as the newest.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
