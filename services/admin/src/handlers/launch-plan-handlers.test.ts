import { Code } from "@connectrpc/connect";
import { FixedRateUnit, LaunchPlanState, VersionState } from "@skein/idl/admin/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import {
  INT, STR, createLaunchPlanRequest, createWorkflowRequest, intLiteral, launchPlanId, richWorkflow, stringLiteral, workflowId,
} from "../test-support/registration-fixtures.js";
import { createTaskRequest, taskId } from "../test-support/task-fixtures.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
const rich = workflowId("rich");
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
  await admin.client.createTask(createTaskRequest(taskId("double")));
  await admin.client.createWorkflow(createWorkflowRequest(rich, richWorkflow(rich, taskId("double"))));
});
afterAll(() => admin.destroy());

describe("CreateLaunchPlan", () => {
  it("stores an inactive version whose closure lists the inputs callers may pass and the outputs", async () => {
    const id = launchPlanId("nightly");
    const { launchPlan, created } = await admin.client.createLaunchPlan(createLaunchPlanRequest(id, rich));
    expect(created).toBe(true);
    expect(launchPlan?.closure?.state).toBe(LaunchPlanState.INACTIVE);
    expect(launchPlan?.versionState).toBe(VersionState.ACTIVE);
    const inputs = launchPlan?.closure?.expectedInputs?.parameters ?? {};
    expect(Object.keys(inputs).sort()).toEqual(["label", "note", "when", "x"]);
    expect(inputs.x?.behavior).toEqual({ case: "required", value: true });
    expect(inputs.label?.behavior).toEqual({ case: "default", value: stringLiteral("hello") });
    expect(inputs.note?.behavior.case).toBeUndefined();
    expect(inputs.x?.var?.description).toBe("x");
    expect(Object.keys(launchPlan?.closure?.expectedOutputs?.variables ?? {})).toEqual(["y"]);
    expect(launchPlan?.closure?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await admin.client.getLaunchPlan({ id })).launchPlan).toEqual(launchPlan);
  });

  it("leaves fixed inputs out of the expected inputs", async () => {
    const id = launchPlanId("fixed");
    const { launchPlan } = await admin.client.createLaunchPlan(
      createLaunchPlanRequest(id, rich, {
        defaultInputs: { parameters: { x: { var: { type: INT }, behavior: { case: "required", value: true } } } },
        fixedInputs: { literals: { label: stringLiteral("pinned") } },
      }),
    );
    expect(Object.keys(launchPlan?.closure?.expectedInputs?.parameters ?? {}).sort()).toEqual(["note", "when", "x"]);
  });

  it("is idempotent for identical content and refuses different content with a diff", async () => {
    const id = launchPlanId("idem");
    const first = await admin.client.createLaunchPlan(createLaunchPlanRequest(id, rich));
    admin.clock.advance(1_000);
    const again = await admin.client.createLaunchPlan(createLaunchPlanRequest(id, rich));
    expect(again).toMatchObject({ created: false, launchPlan: first.launchPlan });
    const changed = await failure(admin.client.createLaunchPlan(createLaunchPlanRequest(id, rich, { maxParallelism: 4 })));
    expect(changed).toMatchObject({
      code: Code.AlreadyExists,
      rawMessage: 'launch plan "proj/development/idem@v1" already exists with different content; register it under a new version. Differences: spec.max_parallelism: (unset) → 4',
    });
  });

  it("lists every problem of the inputs against the workflow's interface in one InvalidArgument", async () => {
    const error = await failure(
      admin.client.createLaunchPlan({
        id: launchPlanId("bad"),
        spec: {
          workflowId: rich,
          fixedInputs: { literals: { ghost: intLiteral(1), label: intLiteral(3) } },
          defaultInputs: {
            parameters: {
              label: { var: { type: STR }, behavior: { case: "default", value: stringLiteral("a") } },
              nope: { var: { type: INT }, behavior: { case: "required", value: true } },
              note: { var: { type: INT }, behavior: { case: "default", value: intLiteral(2) } },
            },
          },
        },
      }),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    const problems = error.rawMessage.replace(/^spec: has 7 problems: /, "").split("; ");
    expect(problems).toEqual([
      'fixed_inputs.ghost: the workflow has no input "ghost" (its inputs: x, label, when, note)',
      expect.stringMatching(/^fixed_inputs\.label: /),
      'default_inputs.label: input "label" is both fixed and given a default',
      'default_inputs.nope: the workflow has no input "nope" (its inputs: x, label, when, note)',
      "default_inputs.note.var.type: int does not fit the workflow's input type optional<string>",
      expect.stringMatching(/^default_inputs\.note\.default: /),
      'default_inputs: the workflow\'s input "x" (int) is neither fixed, given a default, nor marked required',
    ]);
  });

  it("checks schedules: cron syntax, time zone, and a kickoff input that is a datetime the plan does not fix", async () => {
    const request = (schedule: object) => createLaunchPlanRequest(launchPlanId("sched"), rich, {
        schedule,
        defaultInputs: {
          parameters: {
            x: { var: { type: INT }, behavior: { case: "default", value: intLiteral(1) } },
            label: { var: { type: STR }, behavior: { case: "default", value: stringLiteral("scheduled") } },
          },
        },
      });
    const cron = await failure(admin.client.createLaunchPlan(request({ kind: { case: "cron", value: { expression: "* 24 * * *", timeZone: "Mars/Olympus" } } })));
    expect(cron.rawMessage).toBe('spec: has 2 problems: schedule.cron.expression: "* 24 * * *": hour "24": "24" is not a value from 0 to 23; schedule.cron.time_zone: unknown time zone "Mars/Olympus"');
    const kickoff = await failure(admin.client.createLaunchPlan(request({ kind: { case: "fixedRate", value: { value: 5, unit: FixedRateUnit.MINUTE } }, kickoffTimeInputArg: "label" })));
    expect(kickoff.rawMessage).toBe('spec: has 1 problem: schedule.kickoff_time_input_arg: input "label" is string, not a datetime');
    const missing = await failure(admin.client.createLaunchPlan(request({ kind: { case: "cron", value: { expression: "@daily" } }, kickoffTimeInputArg: "then" })));
    expect(missing.rawMessage).toBe('spec: has 1 problem: schedule.kickoff_time_input_arg: the workflow has no input "then"');
    const required = await failure(admin.client.createLaunchPlan(createLaunchPlanRequest(launchPlanId("sched"), rich, { schedule: { kind: { case: "cron", value: { expression: "@daily" } } } })));
    expect(required.rawMessage).toBe('spec: has 1 problem: schedule: input "x" is required, but a scheduled execution only passes kickoff_time_input_arg');
    const ok = await admin.client.createLaunchPlan(request({ kind: { case: "cron", value: { expression: "0 3 * * MON-FRI", timeZone: "Europe/Paris" } }, kickoffTimeInputArg: "when" }));
    expect(ok.created).toBe(true);
  });

  it("requires a registered, unarchived workflow in the same project and domain", async () => {
    const ghost = await failure(admin.client.createLaunchPlan(createLaunchPlanRequest(launchPlanId("g"), workflowId("ghost"))));
    expect(ghost).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'spec.workflow_id: workflow "proj/development/ghost@v1" is not registered' });
    const elsewhere = await failure(admin.client.createLaunchPlan(createLaunchPlanRequest(launchPlanId("g"), workflowId("rich", "v1", "proj", "staging"))));
    expect(elsewhere.rawMessage).toBe('spec.workflow_id: must be in the launch plan\'s project and domain ("proj/development")');
    const old = workflowId("rich", "old");
    await admin.client.createWorkflow(createWorkflowRequest(old, richWorkflow(old, taskId("double"))));
    await admin.client.archiveVersion({ id: old });
    const archived = await failure(admin.client.createLaunchPlan(createLaunchPlanRequest(launchPlanId("g"), old)));
    expect(archived.rawMessage).toBe('spec.workflow_id: workflow "proj/development/rich@old" is archived');
  });
});

describe("UpdateLaunchPlan and GetActiveLaunchPlan", () => {
  const name = { project: "proj", domain: "development", name: "daily" };
  beforeAll(async () => {
    for (const version of ["v1", "v2", "v3", "v4", "v5"]) await admin.client.createLaunchPlan(createLaunchPlanRequest(launchPlanId("daily", version), rich));
  });

  it("activates one version at a time, idempotently, and deactivates", async () => {
    expect((await failure(admin.client.getActiveLaunchPlan({ id: name }))).code).toBe(Code.NotFound);
    admin.clock.advance(5_000);
    const first = await admin.client.updateLaunchPlan({ id: launchPlanId("daily", "v1"), state: LaunchPlanState.ACTIVE });
    expect(first.launchPlan?.closure?.state).toBe(LaunchPlanState.ACTIVE);
    expect((await admin.client.updateLaunchPlan({ id: launchPlanId("daily", "v1"), state: LaunchPlanState.ACTIVE })).launchPlan).toEqual(first.launchPlan);
    await admin.client.updateLaunchPlan({ id: launchPlanId("daily", "v2"), state: LaunchPlanState.ACTIVE });
    expect((await admin.client.getActiveLaunchPlan({ id: name })).launchPlan?.id?.version).toBe("v2");
    expect((await admin.client.getLaunchPlan({ id: launchPlanId("daily", "v1") })).launchPlan?.closure?.state).toBe(LaunchPlanState.INACTIVE);
    await admin.client.updateLaunchPlan({ id: launchPlanId("daily", "v2"), state: LaunchPlanState.INACTIVE });
    expect((await failure(admin.client.getActiveLaunchPlan({ id: name }))).code).toBe(Code.NotFound);
  });

  it("leaves exactly one version active after concurrent activations", async () => {
    const versions = ["v1", "v2", "v3", "v4", "v5"];
    await Promise.all(versions.map((version) => admin.client.updateLaunchPlan({ id: launchPlanId("daily", version), state: LaunchPlanState.ACTIVE })));
    const { launchPlans } = await admin.client.listLaunchPlans({ project: "proj", domain: "development", name: "daily", filters: "eq(state,ACTIVE)" });
    expect(launchPlans).toHaveLength(1);
    expect((await admin.client.getActiveLaunchPlan({ id: name })).launchPlan?.id).toEqual(launchPlans[0]?.id);
  });

  it("refuses to archive an active version and to activate an archived one", async () => {
    const active = (await admin.client.getActiveLaunchPlan({ id: name })).launchPlan?.id;
    const archive = await failure(admin.client.archiveVersion({ id: active }));
    expect(archive.code).toBe(Code.FailedPrecondition);
    expect(archive.rawMessage).toBe(`launch plan "proj/development/daily@${active?.version ?? ""}" is active; deactivate it before archiving it`);
    const other = active?.version === "v1" ? "v2" : "v1";
    await admin.client.archiveVersion({ id: launchPlanId("daily", other) });
    const activate = await failure(admin.client.updateLaunchPlan({ id: launchPlanId("daily", other), state: LaunchPlanState.ACTIVE }));
    expect(activate).toMatchObject({ code: Code.FailedPrecondition, rawMessage: `launch plan "proj/development/daily@${other}" is archived; restore it before activating it` });
    expect((await admin.client.archiveVersion({ id: launchPlanId("daily", other), restore: true })).state).toBe(VersionState.ACTIVE);
  });
});
