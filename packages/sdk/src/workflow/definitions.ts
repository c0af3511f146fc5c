import type { CompiledWorkflowClosure, LiteralMap, LaunchPlanTemplate, ParameterMap, WorkflowTemplate } from "@skein/idl";
import type { ConcurrencyBehavior, Schedule } from "@skein/idl/admin/v1";
import type { TaskDefinition } from "../task/define.js";
import type { Shape } from "../types/interface.js";
import type { CallableEntity, CallArgs, CallResult, CallSignature, Outputs } from "./entity.js";

/** Calling a launch plan: every input may be left to the plan's defaults (bivariant, see CallSignature). */
type PlanCallSignature<I extends Shape, O extends Outputs> = { call(args: Partial<CallArgs<I>>): CallResult<O> }["call"];

/**
 * A workflow: call it inside another workflow body to run it as a sub-workflow. Its template's
 * id has an empty project, domain and version, filled at registration.
 */
export interface WorkflowDefinition<I extends Shape = Shape, O extends Outputs = Outputs> extends CallSignature<I, O>, CallableEntity {
  readonly kind: "workflow";
  readonly name: string;
  readonly description: string;
  readonly template: WorkflowTemplate;
  /** Input defaults (and which inputs are required); not part of the template's interface. */
  readonly defaults: ParameterMap;
  /** Every task reachable from the workflow (nodes, sub-workflows, branches, maps, failure task), by name. */
  readonly tasks: ReadonlyMap<string, TaskDefinition>;
  readonly subWorkflows: ReadonlyMap<string, WorkflowDefinition>;
  readonly launchPlans: ReadonlyMap<string, LaunchPlanDefinition>;
  /** The launch plan named like the workflow, with the workflow's defaults. */
  readonly defaultLaunchPlan: LaunchPlanDefinition<I, O>;
  /** The compiled closure (checked when the workflow was defined). */
  compile(): CompiledWorkflowClosure;
  readonly __types?: { readonly inputs: I; readonly outputs: O };
}

/** A launch plan: a workflow with fixed and default inputs and an optional schedule. */
export interface LaunchPlanDefinition<I extends Shape = Shape, O extends Outputs = Outputs> extends PlanCallSignature<I, O>, CallableEntity {
  readonly kind: "launchPlan";
  readonly name: string;
  readonly description: string;
  readonly workflow: WorkflowDefinition<I, O>;
  readonly template: LaunchPlanTemplate;
  /** Every input callers may pass: required, or with its default. Fixed inputs are absent. */
  readonly defaults: ParameterMap;
  readonly fixed: LiteralMap;
  readonly schedule: Schedule | undefined;
  /** What the control plane applies to every execution of this launch plan (fields of its spec). */
  readonly executionDefaults: LaunchPlanExecutionDefaults;
  readonly __types?: { readonly inputs: I; readonly outputs: O };
}

/** The launch plan's execution settings, named as in the admin contract's `LaunchPlanSpec`. */
export interface LaunchPlanExecutionDefaults {
  readonly concurrencyPolicy?: { readonly max: number; readonly behavior: ConcurrencyBehavior };
  readonly executionClusterLabel?: string;
  readonly maxParallelism?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly overwriteCache?: boolean;
}
