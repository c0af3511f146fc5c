import { create } from "@bufbuild/protobuf";
import { ResourceName } from "@skein/idl";
import { TaskResourceAttributesSchema } from "@skein/idl/admin/v1";
import { describe, expect, it } from "vitest";
import { ResourceAmountError } from "./resource-error.js";
import { checkTaskResourceAttributes, effectiveTaskResources, resourceFieldName } from "./task-resources.js";

const { CPU, GPU, MEMORY, STORAGE, EPHEMERAL_STORAGE } = ResourceName;
type Amounts = Partial<Record<ResourceName, string>>;
const every = [ResourceName.UNSPECIFIED, ResourceName.CPU, ResourceName.GPU, ResourceName.MEMORY, ResourceName.STORAGE, ResourceName.EPHEMERAL_STORAGE];
const entries = (amounts: Amounts) => every.flatMap((name) => (amounts[name] === undefined ? [] : [{ name, value: amounts[name] }]));
const task = (requests: Amounts, limits: Amounts = {}) => ({ requests: entries(requests), limits: entries(limits) });
const bounds = (defaults: Amounts, limits: Amounts = {}) => ({ defaults: entries(defaults), limits: entries(limits) });

/** The result as [resource, request, limit] rows. */
function effective(...args: Parameters<typeof effectiveTaskResources>): [string, string | undefined, string | undefined][] {
  const result = effectiveTaskResources(...args);
  expect(result.requests.map((r) => r.name)).toEqual(result.limits.map((l) => l.name));
  return result.requests.map((r, i) => [resourceFieldName(r.name), r.value, result.limits[i]?.value]);
}

function thrown(fn: () => unknown): ResourceAmountError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ResourceAmountError) return e;
    throw e;
  }
  return expect.fail("expected an error");
}

describe("effectiveTaskResources", () => {
  it("keeps what the task sets and fills the rest from the defaults", () => {
    expect(effective(task({ [CPU]: "2" }, { [CPU]: "4" }), bounds({ [CPU]: "500m", [MEMORY]: "1Gi" }))).toEqual([
      ["cpu", "2", "4"],
      ["memory", "1Gi", "1Gi"],
    ]);
  });

  it("uses the task's limit as its request when it sets only a limit, and its request as its limit when it sets only a request", () => {
    expect(effective(task({}, { [MEMORY]: "2Gi" }), bounds({ [MEMORY]: "1Gi" }))).toEqual([["memory", "2Gi", "2Gi"]]);
    expect(effective(task({ [MEMORY]: "3Gi" }), bounds({ [MEMORY]: "1Gi" }))).toEqual([["memory", "3Gi", "3Gi"]]);
  });

  it("caps requests and limits, the task's own included, at the attribute's limits", () => {
    const result = effective(task({ [CPU]: "8", [MEMORY]: "512Mi" }, { [CPU]: "16", [MEMORY]: "2Gi" }), bounds({}, { [CPU]: "4", [MEMORY]: "1Gi" }));
    expect(result).toEqual([
      ["cpu", "4", "4"],
      ["memory", "512Mi", "1Gi"],
    ]);
  });

  it("compares amounts by value, not by text", () => {
    expect(effective(task({ [MEMORY]: "1Gi" }), bounds({}, { [MEMORY]: "1000Mi" }))).toEqual([["memory", "1000Mi", "1000Mi"]]);
    expect(effective(task({ [MEMORY]: "1000Mi" }), bounds({}, { [MEMORY]: "1Gi" }))).toEqual([["memory", "1000Mi", "1000Mi"]]);
    expect(effective(task({ [CPU]: "1500m" }), bounds({}, { [CPU]: "1.5" }))).toEqual([["cpu", "1500m", "1500m"]]);
  });

  it("lowers a request above the task's own limit to that limit", () => {
    expect(effective(task({ [CPU]: "4" }, { [CPU]: "2" }), undefined)).toEqual([["cpu", "2", "2"]]);
  });

  it("caps defaults too, and a limit alone neither adds nor removes a resource", () => {
    expect(effective(task({}), bounds({ [GPU]: "2" }, { [GPU]: "1", [STORAGE]: "10Gi" }))).toEqual([["gpu", "1", "1"]]);
    expect(effective(task({ [GPU]: "1" }), bounds({}, { [GPU]: "0" }))).toEqual([["gpu", "0", "0"]]);
  });

  it("returns the task's resources unchanged without an attribute, in a fixed order", () => {
    expect(effective(task({ [EPHEMERAL_STORAGE]: "1Gi", [CPU]: "1", [STORAGE]: "5Gi" }, { [CPU]: "2" }), undefined)).toEqual([
      ["cpu", "1", "2"],
      ["storage", "5Gi", "5Gi"],
      ["ephemeral_storage", "1Gi", "1Gi"],
    ]);
    expect(effective(undefined, undefined)).toEqual([]);
    expect(effective(undefined, bounds({ [CPU]: "250m" }))).toEqual([["cpu", "250m", "250m"]]);
  });

  it("refuses amounts that do not parse and resources that repeat", () => {
    expect(thrown(() => effectiveTaskResources(task({ [MEMORY]: "lots" }), undefined)).message).toBe(
      'resources.requests.memory: "lots" is not a quantity such as "500m", "2", "1Gi" or "512Mi"',
    );
    const repeated = { requests: [], limits: [{ name: CPU, value: "1" }, { name: CPU, value: "2" }] };
    expect(thrown(() => effectiveTaskResources(repeated, undefined)).message).toBe("resources.limits.cpu: appears more than once");
  });
});

describe("checkTaskResourceAttributes", () => {
  const field = "attributes.matching_attributes.task_resource_attributes";
  const check = (defaults: Amounts, limits: Amounts = {}) => () => checkTaskResourceAttributes(create(TaskResourceAttributesSchema, bounds(defaults, limits)), field);

  it("accepts limits at or above their defaults, compared by value", () => {
    expect(check({ [MEMORY]: "1000Mi", [CPU]: "500m" }, { [MEMORY]: "1Gi", [CPU]: "0.5" })).not.toThrow();
    expect(check({ [GPU]: "1" })).not.toThrow();
    expect(check({}, { [STORAGE]: "1Ti" })).not.toThrow();
  });

  it("refuses a limit below its default, naming the limit and both amounts", () => {
    const error = thrown(check({ [MEMORY]: "1Gi" }, { [MEMORY]: "1000Mi" }));
    expect(error.field).toBe(`${field}.limits.memory`);
    expect(error.message).toBe(`${field}.limits.memory: limit 1000Mi is below the default 1Gi`);
    expect(thrown(check({ [EPHEMERAL_STORAGE]: "2" }, { [EPHEMERAL_STORAGE]: "1999m" })).message).toBe(
      `${field}.limits.ephemeral_storage: limit 1999m is below the default 2`,
    );
  });

  it("refuses an empty payload, unparsable amounts and unknown resources", () => {
    expect(thrown(check({})).message).toBe(`${field}: needs at least one default or limit`);
    expect(thrown(check({ [CPU]: "1e200" })).message).toBe(`${field}.defaults.cpu: "1e200" has an exponent beyond ±100`);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- a number no ResourceName has, as an older or newer client may send
    const unknown = create(TaskResourceAttributesSchema, { defaults: [{ name: 42 as ResourceName, value: "1" }] });
    expect(thrown(() => checkTaskResourceAttributes(unknown, field)).message).toBe(`${field}.defaults: resource 42 is not a known resource`);
  });
});
