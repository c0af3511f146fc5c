import { Code } from "@connectrpc/connect";
import { MatchableResource } from "@skein/idl/admin/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAttributes } from "../domain/attribute-resolver.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
  await admin.client.registerProject({ project: { id: "other" } });
});
afterAll(() => admin.destroy());

const label = (value: string) => ({ target: { case: "executionClusterLabel" as const, value: { value } } });
const LABEL = MatchableResource.EXECUTION_CLUSTER_LABEL;

describe("matchable attributes", () => {
  it("stores, reads back, replaces and deletes attributes at each level", async () => {
    await admin.client.updateProjectAttributes({ attributes: { project: "proj", matchingAttributes: label("region=eu") } });
    await admin.client.updateProjectDomainAttributes({ attributes: { project: "proj", domain: "production", matchingAttributes: label("tier=prod") } });
    await admin.client.updateWorkflowAttributes({ attributes: { project: "proj", domain: "production", workflow: "train", matchingAttributes: label("gpu") } });
    await admin.client.updateLaunchPlanAttributes({ attributes: { project: "proj", domain: "production", launchPlan: "nightly", matchingAttributes: label("gpu=a100") } });
    expect((await admin.client.getProjectAttributes({ project: "proj", resourceType: LABEL })).attributes?.matchingAttributes).toMatchObject(label("region=eu"));
    expect((await admin.client.getWorkflowAttributes({ project: "proj", domain: "production", workflow: "train", resourceType: LABEL })).attributes).toMatchObject({ workflow: "train", matchingAttributes: label("gpu") });
    await admin.client.updateProjectAttributes({ attributes: { project: "proj", matchingAttributes: label("region=us") } });
    const { configurations } = await admin.client.listMatchableAttributes({ resourceType: LABEL });
    const value = (c: (typeof configurations)[number]) => (c.attributes?.target.case === "executionClusterLabel" ? c.attributes.target.value.value : "");
    expect(configurations.map((c) => [c.project, c.domain, c.workflow, c.launchPlan, value(c)])).toEqual([
      ["proj", "", "", "", "region=us"],
      ["proj", "production", "", "", "tier=prod"],
      ["proj", "production", "", "nightly", "gpu=a100"],
      ["proj", "production", "train", "", "gpu"],
    ]);
    await admin.client.deleteLaunchPlanAttributes({ project: "proj", domain: "production", launchPlan: "nightly", resourceType: LABEL });
    await admin.client.deleteLaunchPlanAttributes({ project: "proj", domain: "production", launchPlan: "nightly", resourceType: LABEL });
    const gone = await failure(admin.client.getLaunchPlanAttributes({ project: "proj", domain: "production", launchPlan: "nightly", resourceType: LABEL }));
    expect(gone).toMatchObject({ code: Code.NotFound, rawMessage: 'execution cluster label attribute of project "proj", domain "production", launch plan "nightly" not found' });
  });

  it("resolves the most specific level: launch plan, then workflow, then project-domain, then project", async () => {
    const db = admin.db;
    await admin.client.updateProjectAttributes({ attributes: { project: "other", matchingAttributes: label("p") } });
    const resolve = async (target: { domain: string; workflow?: string; launchPlan?: string }) => {
      const found = await resolveAttributes(db, { project: "other", ...target }, LABEL);
      return found?.target.case === "executionClusterLabel" ? found.target.value.value : undefined;
    };
    expect(await resolve({ domain: "staging", workflow: "wf", launchPlan: "lp" })).toBe("p");
    await admin.client.updateProjectDomainAttributes({ attributes: { project: "other", domain: "staging", matchingAttributes: label("pd") } });
    expect(await resolve({ domain: "staging", workflow: "wf", launchPlan: "lp" })).toBe("pd");
    expect(await resolve({ domain: "production", workflow: "wf", launchPlan: "lp" })).toBe("p");
    await admin.client.updateWorkflowAttributes({ attributes: { project: "other", domain: "staging", workflow: "wf", matchingAttributes: label("w") } });
    expect(await resolve({ domain: "staging", workflow: "wf", launchPlan: "lp" })).toBe("w");
    expect(await resolve({ domain: "staging", workflow: "another" })).toBe("pd");
    await admin.client.updateLaunchPlanAttributes({ attributes: { project: "other", domain: "staging", launchPlan: "lp", matchingAttributes: label("l") } });
    expect(await resolve({ domain: "staging", workflow: "wf", launchPlan: "lp" })).toBe("l");
    expect(await resolve({ domain: "staging", workflow: "wf" })).toBe("w");
    expect(await resolveAttributes(db, { project: "other", domain: "staging" }, MatchableResource.WORKFLOW_EXECUTION_CONFIG)).toBeUndefined();
    await admin.client.deleteProjectAttributes({ project: "other", resourceType: LABEL });
    expect(await resolve({ domain: "production" })).toBeUndefined();
  });

  it("refuses an unknown project or domain, a missing payload and a repeated plugin task type", async () => {
    const ghost = await failure(admin.client.updateProjectAttributes({ attributes: { project: "ghost", matchingAttributes: label("x") } }));
    expect(ghost).toMatchObject({ code: Code.NotFound, rawMessage: 'project "ghost" not found' });
    const domain = await failure(admin.client.updateWorkflowAttributes({ attributes: { project: "proj", domain: "qa", workflow: "w", matchingAttributes: label("x") } }));
    expect(domain.rawMessage).toBe('domain: "qa" is not a configured domain (development, staging, production)');
    expect((await failure(admin.client.updateProjectAttributes({ attributes: { project: "proj", matchingAttributes: {} } }))).code).toBe(Code.InvalidArgument);
    const override = { taskType: "spark", pluginIds: ["k8s"] };
    const repeated = await failure(
      admin.client.updateProjectAttributes({ attributes: { project: "proj", matchingAttributes: { target: { case: "pluginOverrides", value: { overrides: [override, override] } } } } }),
    );
    expect(repeated.rawMessage).toBe('attributes.matching_attributes.plugin_overrides.overrides: task type "spark" appears more than once');
    expect((await failure(admin.client.getProjectAttributes({ project: "proj", resourceType: MatchableResource.UNSPECIFIED }))).code).toBe(Code.InvalidArgument);
  });
});
