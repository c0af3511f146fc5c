import { create } from "@bufbuild/protobuf";
import { ResourceEntrySchema, ResourceName, ResourcesSchema, type ResourceEntry, type Resources } from "@skein/idl";
import { ResourceAmountError } from "./resource-error.js";
import { compareQuantities, minQuantity, parseQuantity, type Quantity } from "./quantity.js";

/** One resource amount: a skein.core.v1.ResourceEntry or anything shaped like one. */
export type ResourceAmount = Pick<ResourceEntry, "name" | "value">;

/** The resources a task template sets: its container's requests and limits (skein.core.v1.Resources). */
export interface TaskResourceRequirements {
  readonly requests: readonly ResourceAmount[];
  readonly limits: readonly ResourceAmount[];
}

/** What a TASK_RESOURCE attribute contributes (TaskResourceAttributes): amounts for unset resources, and caps. */
export interface TaskResourceBounds {
  readonly defaults: readonly ResourceAmount[];
  readonly limits: readonly ResourceAmount[];
}

// Every resource, in the order results list them.
const resourceOrder: readonly ResourceName[] = [ResourceName.CPU, ResourceName.GPU, ResourceName.MEMORY, ResourceName.STORAGE, ResourceName.EPHEMERAL_STORAGE];

/** A resource as it appears in field paths: "cpu", "ephemeral_storage". */
export function resourceFieldName(name: ResourceName): string {
  const text = ResourceName[name] as string | undefined;
  return text === undefined ? String(name) : text.toLowerCase();
}

/** Parses a list of amounts keyed by resource; each resource may appear once and must be named. */
function byResource(entries: readonly ResourceAmount[], field: string): Map<ResourceName, Quantity> {
  const amounts = new Map<ResourceName, Quantity>();
  for (const entry of entries) {
    if (!resourceOrder.includes(entry.name)) throw new ResourceAmountError(field, `resource ${entry.name} is not a known resource`);
    const at = `${field}.${resourceFieldName(entry.name)}`;
    if (amounts.has(entry.name)) throw new ResourceAmountError(at, "appears more than once");
    amounts.set(entry.name, parseQuantity(entry.value, at));
  }
  return amounts;
}

/**
 * Checks what the proto cannot: every amount parses, at least one amount is given, and no limit
 * is below the default of the same resource. `field` is the path of the attributes message.
 */
export function checkTaskResourceAttributes(attributes: TaskResourceBounds, field: string): void {
  const defaults = byResource(attributes.defaults, `${field}.defaults`);
  const limits = byResource(attributes.limits, `${field}.limits`);
  if (defaults.size === 0 && limits.size === 0) throw new ResourceAmountError(field, "needs at least one default or limit");
  for (const [name, limit] of limits) {
    const byDefault = defaults.get(name);
    if (byDefault !== undefined && compareQuantities(limit, byDefault) < 0) {
      throw new ResourceAmountError(`${field}.limits.${resourceFieldName(name)}`, `limit ${limit.text} is below the default ${byDefault.text}`);
    }
  }
}

/**
 * The requests and limits a task runs with, given its template's own and the applicable
 * TASK_RESOURCE attribute (if any). Per resource:
 * - request: the task's request, else its limit (asking for what it may use), else the default;
 * - limit: the task's limit, else the request;
 * - both are then capped at the attribute's limit, and a request above its limit is lowered to it.
 * A resource with no amount from any source stays unset. Amounts keep the text they were written
 * with; results list resources in a fixed order. Pure: the data plane calls it for each task.
 */
export function effectiveTaskResources(task: TaskResourceRequirements | undefined, attributes: TaskResourceBounds | undefined): Resources {
  const requested = byResource(task?.requests ?? [], "resources.requests");
  const limited = byResource(task?.limits ?? [], "resources.limits");
  const defaults = byResource(attributes?.defaults ?? [], "task_resource_attributes.defaults");
  const caps = byResource(attributes?.limits ?? [], "task_resource_attributes.limits");
  const result = create(ResourcesSchema);
  for (const name of resourceOrder) {
    let request = requested.get(name) ?? limited.get(name) ?? defaults.get(name);
    if (request === undefined) continue;
    let limit = limited.get(name) ?? request;
    const cap = caps.get(name);
    if (cap !== undefined) {
      request = minQuantity(request, cap);
      limit = minQuantity(limit, cap);
    }
    request = minQuantity(request, limit);
    result.requests.push(create(ResourceEntrySchema, { name, value: request.text }));
    result.limits.push(create(ResourceEntrySchema, { name, value: limit.text }));
  }
  return result;
}
