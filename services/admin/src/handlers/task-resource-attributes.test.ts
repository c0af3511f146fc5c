import { Code } from "@connectrpc/connect";
import { ResourceName } from "@skein/idl";
import { MatchableResource, type MatchingAttributes } from "@skein/idl/admin/v1";
import { resourceFieldName } from "@skein/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAttributes } from "../domain/attribute-resolver.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  for (const id of ["levels", "ranked", "refused", "listed"]) await admin.client.registerProject({ project: { id } });
});
afterAll(() => admin.destroy());

const KIND = MatchableResource.TASK_RESOURCE;
const { CPU, MEMORY, GPU, EPHEMERAL_STORAGE } = ResourceName;
type Amounts = Partial<Record<ResourceName, string>>;
const every = [ResourceName.UNSPECIFIED, ResourceName.CPU, ResourceName.GPU, ResourceName.MEMORY, ResourceName.STORAGE, ResourceName.EPHEMERAL_STORAGE];
const entries = (amounts: Amounts) => every.flatMap((name) => (amounts[name] === undefined ? [] : [{ name, value: amounts[name] }]));
const resources = (defaults: Amounts, limits: Amounts = {}) => ({
  target: { case: "taskResourceAttributes" as const, value: { defaults: entries(defaults), limits: entries(limits) } },
});

/** A task resource payload as "cpu=1 memory=2Gi | cpu=4" (defaults | limits), for compact assertions. */
function text(attributes: MatchingAttributes | undefined): string | undefined {
  if (attributes?.target.case !== "taskResourceAttributes") return undefined;
  const list = (es: { name: ResourceName; value: string }[]) => es.map((e) => `${resourceFieldName(e.name)}=${e.value}`).join(" ");
  return `${list(attributes.target.value.defaults)} | ${list(attributes.target.value.limits)}`;
}

describe("task resource attributes", () => {
  it("are stored, read back, replaced and deleted at each level", async () => {
    const c = admin.client;
    await c.updateProjectAttributes({ attributes: { project: "levels", matchingAttributes: resources({ [CPU]: "500m" }, { [CPU]: "2" }) } });
    await c.updateProjectDomainAttributes({ attributes: { project: "levels", domain: "staging", matchingAttributes: resources({ [MEMORY]: "1Gi" }) } });
    await c.updateWorkflowAttributes({ attributes: { project: "levels", domain: "staging", workflow: "train", matchingAttributes: resources({ [GPU]: "1" }, { [GPU]: "4" }) } });
    await c.updateLaunchPlanAttributes({
      attributes: { project: "levels", domain: "staging", launchPlan: "nightly", matchingAttributes: resources({}, { [EPHEMERAL_STORAGE]: "10Gi" }) },
    });

    expect(text((await c.getProjectAttributes({ project: "levels", resourceType: KIND })).attributes?.matchingAttributes)).toBe("cpu=500m | cpu=2");
    expect(text((await c.getProjectDomainAttributes({ project: "levels", domain: "staging", resourceType: KIND })).attributes?.matchingAttributes)).toBe("memory=1Gi | ");
    const workflow = (await c.getWorkflowAttributes({ project: "levels", domain: "staging", workflow: "train", resourceType: KIND })).attributes;
    expect(workflow?.workflow).toBe("train");
    expect(text(workflow?.matchingAttributes)).toBe("gpu=1 | gpu=4");
    const launchPlan = (await c.getLaunchPlanAttributes({ project: "levels", domain: "staging", launchPlan: "nightly", resourceType: KIND })).attributes;
    expect(text(launchPlan?.matchingAttributes)).toBe(" | ephemeral_storage=10Gi");

    await c.updateWorkflowAttributes({ attributes: { project: "levels", domain: "staging", workflow: "train", matchingAttributes: resources({ [GPU]: "2" }, { [GPU]: "2" }) } });
    expect(text((await c.getWorkflowAttributes({ project: "levels", domain: "staging", workflow: "train", resourceType: KIND })).attributes?.matchingAttributes)).toBe(
      "gpu=2 | gpu=2",
    );
    // Other kinds at the same scope are separate rows.
    const otherKind = await failure(c.getProjectAttributes({ project: "levels", resourceType: MatchableResource.EXECUTION_CLUSTER_LABEL }));
    expect(otherKind.code).toBe(Code.NotFound);

    await c.deleteProjectAttributes({ project: "levels", resourceType: KIND });
    await c.deleteProjectDomainAttributes({ project: "levels", domain: "staging", resourceType: KIND });
    await c.deleteWorkflowAttributes({ project: "levels", domain: "staging", workflow: "train", resourceType: KIND });
    await c.deleteLaunchPlanAttributes({ project: "levels", domain: "staging", launchPlan: "nightly", resourceType: KIND });
    await c.deleteLaunchPlanAttributes({ project: "levels", domain: "staging", launchPlan: "nightly", resourceType: KIND });
    const gone = [
      failure(c.getProjectAttributes({ project: "levels", resourceType: KIND })),
      failure(c.getProjectDomainAttributes({ project: "levels", domain: "staging", resourceType: KIND })),
      failure(c.getWorkflowAttributes({ project: "levels", domain: "staging", workflow: "train", resourceType: KIND })),
      failure(c.getLaunchPlanAttributes({ project: "levels", domain: "staging", launchPlan: "nightly", resourceType: KIND })),
    ];
    const errors = await Promise.all(gone);
    expect(errors.map((e) => e.code)).toEqual([Code.NotFound, Code.NotFound, Code.NotFound, Code.NotFound]);
    expect(errors[3]?.rawMessage).toBe('task resource attribute of project "levels", domain "staging", launch plan "nightly" not found');
  });

  it("resolve to the most specific level: launch plan, then workflow, then project and domain, then project", async () => {
    const c = admin.client;
    const resolve = async (target: { domain: string; workflow?: string; launchPlan?: string }) =>
      text(await resolveAttributes(admin.db, { project: "ranked", ...target }, KIND));
    const full = { domain: "production", workflow: "wf", launchPlan: "lp" };
    expect(await resolve(full)).toBeUndefined();
    await c.updateProjectAttributes({ attributes: { project: "ranked", matchingAttributes: resources({ [CPU]: "1" }) } });
    expect(await resolve(full)).toBe("cpu=1 | ");
    await c.updateProjectDomainAttributes({ attributes: { project: "ranked", domain: "production", matchingAttributes: resources({ [CPU]: "2" }) } });
    expect(await resolve(full)).toBe("cpu=2 | ");
    expect(await resolve({ domain: "development", workflow: "wf", launchPlan: "lp" })).toBe("cpu=1 | ");
    await c.updateWorkflowAttributes({ attributes: { project: "ranked", domain: "production", workflow: "wf", matchingAttributes: resources({ [CPU]: "3" }) } });
    expect(await resolve(full)).toBe("cpu=3 | ");
    expect(await resolve({ domain: "production", workflow: "other", launchPlan: "lp" })).toBe("cpu=2 | ");
    await c.updateLaunchPlanAttributes({ attributes: { project: "ranked", domain: "production", launchPlan: "lp", matchingAttributes: resources({ [CPU]: "4" }) } });
    expect(await resolve(full)).toBe("cpu=4 | ");
    expect(await resolve({ domain: "production", workflow: "wf" })).toBe("cpu=3 | ");
    // A workflow's launch plan attribute does not reach other domains.
    expect(await resolve({ domain: "staging", workflow: "wf", launchPlan: "lp" })).toBe("cpu=1 | ");
    await c.deleteLaunchPlanAttributes({ project: "ranked", domain: "production", launchPlan: "lp", resourceType: KIND });
    expect(await resolve(full)).toBe("cpu=3 | ");
    // Attributes of another kind never answer for this one.
    await c.updateProjectAttributes({ attributes: { project: "ranked", matchingAttributes: { target: { case: "executionClusterLabel", value: { value: "gpu" } } } } });
    expect(await resolve(full)).toBe("cpu=3 | ");
  });

  it("refuse bad quantities and limits below defaults, writing nothing", async () => {
    const c = admin.client;
    const field = "attributes.matching_attributes.task_resource_attributes";
    await c.updateProjectAttributes({ attributes: { project: "refused", matchingAttributes: resources({ [MEMORY]: "1Gi" }) } });

    const below = await failure(c.updateProjectAttributes({ attributes: { project: "refused", matchingAttributes: resources({ [MEMORY]: "1Gi" }, { [MEMORY]: "1000Mi" }) } }));
    expect(below).toMatchObject({ code: Code.InvalidArgument, rawMessage: `${field}.limits.memory: limit 1000Mi is below the default 1Gi` });
    const belowCpu = await failure(
      c.updateWorkflowAttributes({ attributes: { project: "refused", domain: "staging", workflow: "w", matchingAttributes: resources({ [CPU]: "1500m" }, { [CPU]: "1.4" }) } }),
    );
    expect(belowCpu.rawMessage).toBe(`${field}.limits.cpu: limit 1.4 is below the default 1500m`);

    const syntax = await failure(
      c.updateProjectDomainAttributes({ attributes: { project: "refused", domain: "staging", matchingAttributes: resources({ [MEMORY]: "1GB" }) } }),
    );
    expect(syntax.code).toBe(Code.InvalidArgument);
    expect(syntax.rawMessage).toContain(`${field}.defaults[0].value: does not match regex pattern`);
    const range = await failure(c.updateLaunchPlanAttributes({ attributes: { project: "refused", domain: "staging", launchPlan: "lp", matchingAttributes: resources({}, { [CPU]: "1e400" }) } }));
    expect(range).toMatchObject({ code: Code.InvalidArgument, rawMessage: `${field}.limits.cpu: "1e400" has an exponent beyond ±100` });
    const repeated = await failure(
      c.updateProjectAttributes({
        attributes: {
          project: "refused",
          matchingAttributes: { target: { case: "taskResourceAttributes", value: { defaults: [{ name: CPU, value: "1" }, { name: CPU, value: "2" }] } } },
        },
      }),
    );
    expect(repeated.code).toBe(Code.InvalidArgument);
    expect(repeated.rawMessage).toContain(`${field}.defaults: each resource may appear only once`);
    const unnamed = await failure(c.updateProjectAttributes({ attributes: { project: "refused", matchingAttributes: resources({ [ResourceName.UNSPECIFIED]: "1" }) } }));
    expect(unnamed.code).toBe(Code.InvalidArgument);
    expect(unnamed.rawMessage).toContain(`${field}.defaults[0].name: must not be in list [0]`);
    const empty = await failure(c.updateProjectAttributes({ attributes: { project: "refused", matchingAttributes: resources({}) } }));
    expect(empty).toMatchObject({ code: Code.InvalidArgument, rawMessage: `${field}: needs at least one default or limit` });

    // The earlier value stands, and no other scope gained a row.
    expect(text((await c.getProjectAttributes({ project: "refused", resourceType: KIND })).attributes?.matchingAttributes)).toBe("memory=1Gi | ");
    const { configurations } = await c.listMatchableAttributes({ resourceType: KIND });
    expect(configurations.filter((x) => x.project === "refused").map((x) => [x.domain, x.workflow, x.launchPlan])).toEqual([["", "", ""]]);
    const rows = await admin.db.selectFrom("matchable_attribute").select("resource_type").where("project", "=", "refused").execute();
    expect(rows).toEqual([{ resource_type: "task_resource" }]);
  });

  it("are listed by kind with their scopes", async () => {
    const c = admin.client;
    await c.updateLaunchPlanAttributes({ attributes: { project: "listed", domain: "production", launchPlan: "lp", matchingAttributes: resources({}, { [GPU]: "8" }) } });
    await c.updateProjectAttributes({ attributes: { project: "listed", matchingAttributes: resources({ [CPU]: "250m", [MEMORY]: "512Mi" }, { [MEMORY]: "0.5Gi" }) } });
    await c.updateWorkflowAttributes({ attributes: { project: "listed", domain: "production", workflow: "wf", matchingAttributes: resources({ [MEMORY]: "2Gi" }) } });
    await c.updateProjectAttributes({ attributes: { project: "listed", matchingAttributes: { target: { case: "executionClusterLabel", value: { value: "eu" } } } } });

    const { configurations } = await c.listMatchableAttributes({ resourceType: KIND });
    expect(configurations.filter((x) => x.project === "listed").map((x) => [x.domain, x.workflow, x.launchPlan, text(x.attributes)])).toEqual([
      ["", "", "", "cpu=250m memory=512Mi | memory=0.5Gi"],
      ["production", "", "lp", " | gpu=8"],
      ["production", "wf", "", "memory=2Gi | "],
    ]);
    const labels = await c.listMatchableAttributes({ resourceType: MatchableResource.EXECUTION_CLUSTER_LABEL });
    expect(labels.configurations.filter((x) => x.project === "listed").map((x) => x.attributes?.target.case)).toEqual(["executionClusterLabel"]);
  });
});
