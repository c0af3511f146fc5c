import { durationMs } from "@bufbuild/protobuf/wkt";
import { SimpleType } from "@skein/idl";
import { ConcurrencyBehavior, FixedRateUnit } from "@skein/idl/admin/v1";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../definition-error.js";
import { add } from "../test-support/sample-tasks.js";
import { fromLiteral } from "../types/convert.js";
import { simpleType } from "../types/literal-types.js";
import { t } from "../types/t.js";
import { launchPlan } from "./launch-plan.js";
import { workflow } from "./workflow.js";

const INT = simpleType(SimpleType.INTEGER);
const train = workflow(
  { name: "train", inputs: { epochs: t.int().min(1).default(10), lr: t.float(), at: t.datetime().optional() }, outputs: t.int() },
  ({ epochs }) => add({ a: epochs }),
);

describe("launchPlan", () => {
  it("fixes and defaults inputs: fixed ones leave the interface, defaults override the workflow's", () => {
    const plan = launchPlan(train, { name: "nightly", fixed: { lr: 0.01 }, defaults: { epochs: 50 }, description: "every night" });
    expect(plan.kind).toBe("launchPlan");
    expect(plan.workflow).toBe(train);
    expect(plan.template.id).toMatchObject({ name: "nightly", version: "" });
    expect(Object.keys(plan.template.interface?.inputs?.variables ?? {}).sort()).toEqual(["at", "epochs"]);
    expect(fromLiteral(plan.fixed.literals.lr!, simpleType(SimpleType.FLOAT))).toBe(0.01);
    expect(plan.template.fixedInputs?.literals.lr).toBeDefined();
    const epochs = plan.defaults.parameters.epochs?.behavior;
    expect(epochs?.case === "default" && fromLiteral(epochs.value, INT)).toBe(50n);
    expect(plan.defaults.parameters.at?.behavior.case).toBe("default");
    expect(plan.defaults.parameters.lr).toBeUndefined();
    expect(plan.description).toBe("every night");
  });

  it("gives every workflow a default launch plan with its name and defaults", () => {
    const plan = train.defaultLaunchPlan;
    expect(plan.name).toBe("train");
    expect(plan.defaults.parameters.lr?.behavior).toEqual({ case: "required", value: true });
    expect(plan.schedule).toBeUndefined();
  });

  it("builds cron and fixed-rate schedules", () => {
    const cron = launchPlan(train, { name: "c", fixed: { lr: 0.1 }, schedule: { cron: "30 2 * * MON-FRI", offset: "15m", timeZone: "Europe/Paris", kickoffInput: "at" } }).schedule;
    expect(cron?.kind.case).toBe("cron");
    if (cron?.kind.case === "cron") {
      expect(cron.kind.value).toMatchObject({ expression: "30 2 * * MON-FRI", timeZone: "Europe/Paris" });
      expect(cron.kind.value.offset && durationMs(cron.kind.value.offset)).toBe(900_000);
    }
    expect(cron?.kickoffTimeInputArg).toBe("at");
    const rate = (every: string | number) => launchPlan(train, { name: "r", fixed: { lr: 0.1 }, schedule: { every } }).schedule?.kind.value;
    expect(rate("2h")).toMatchObject({ value: 2, unit: FixedRateUnit.HOUR });
    expect(rate("90m")).toMatchObject({ value: 90, unit: FixedRateUnit.MINUTE });
    expect(rate(2 * 86_400_000)).toMatchObject({ value: 2, unit: FixedRateUnit.DAY });
  });

  it("rejects unknown or mistyped inputs, clashes and bad schedules, naming the plan and input", () => {
    const cases: [() => unknown, string | RegExp][] = [
      [() => launchPlan(train, { name: "p", defaults: { epoch: 3 } as never }), 'launch plan "p": defaults.epoch: workflow "train" has no input "epoch" (inputs: epochs, lr, at)'],
      [() => launchPlan(train, { name: "p", fixed: { epochs: "ten" as never } }), /^launch plan "p": fixed\.epochs: expected int: Invalid input: expected number, received string$/],
      [() => launchPlan(train, { name: "p", defaults: { epochs: 0 } }), /launch plan "p": defaults\.epochs: expected int: Too small/],
      [() => launchPlan(train, { name: "p", fixed: { lr: 1 }, defaults: { lr: 2 } }), 'launch plan "p": input "lr" is both fixed and given a default'],
      [() => launchPlan(train, { name: "p", schedule: { cron: "61 * * * *" } }), 'launch plan "p": schedule.cron "61 * * * *": minute "61": "61" is not a value from 0 to 59'],
      [() => launchPlan(train, { name: "p", schedule: { cron: "* * *" } }), /expected 5 fields/],
      [() => launchPlan(train, { name: "p", schedule: { cron: "@daily", timeZone: "Mars/Olympus" } }), 'launch plan "p": schedule.timeZone: unknown time zone "Mars/Olympus"'],
      [() => launchPlan(train, { name: "p", schedule: { every: "90s" } }), 'launch plan "p": schedule.every: must be a whole number of minutes (at least 1), got "90s"'],
      [() => launchPlan(train, { name: "p", schedule: { every: "1h", kickoffInput: "lr" } }), 'launch plan "p": schedule.kickoffInput: "lr" must be a datetime input'],
      [() => launchPlan(train, { name: "p", schedule: {} as never }), 'launch plan "p": schedule: expected { cron: "..." } or { every: "..." }'],
      [() => launchPlan(train, { name: "bad name" }), 'launch plan name "bad name" is invalid'],
      [() => launchPlan(train, { nam: "x" } as never), 'launch plan "train": unknown option "nam"'],
      [() => launchPlan(add as never), "launchPlan: the first argument must be a workflow"],
    ];
    for (const [define, message] of cases) {
      expect(define).toThrow(DefinitionError);
      expect(define).toThrow(message);
    }
  });

  it("binds the plan's defaults when a body calls it without them", () => {
    const plan = launchPlan(train, { name: "quick", defaults: { epochs: 1 } });
    const wf = workflow({ name: "caller", outputs: t.int() }, () => plan({ lr: 0.5 }));
    const node = wf.template.nodes[0];
    expect(node?.inputs.map((b) => b.var).sort()).toEqual(["at", "epochs", "lr"]);
    expect(() => workflow({ name: "caller2" }, () => plan({}))).toThrow('workflow "caller2": node "n0" (launch plan "quick"): missing required input "lr"');
  });
});

describe("launchPlan execution settings", () => {
  it("carries concurrency, cluster label, parallelism, labels and cache overwrite to the control plane", () => {
    const plan = launchPlan(train, {
      name: "gpu",
      concurrency: { max: 2, behavior: "queue" },
      clusterLabel: "gpu=true",
      maxParallelism: 8,
      labels: { team: "ml", "example.com/cost-center": "r-and-d" },
      overwriteCache: true,
    });
    expect(plan.executionDefaults).toEqual({
      concurrencyPolicy: { max: 2, behavior: ConcurrencyBehavior.QUEUE },
      executionClusterLabel: "gpu=true",
      maxParallelism: 8,
      labels: { team: "ml", "example.com/cost-center": "r-and-d" },
      overwriteCache: true,
    });
    expect(launchPlan(train, { name: "skip", concurrency: { max: 1 } }).executionDefaults).toEqual({ concurrencyPolicy: { max: 1, behavior: ConcurrencyBehavior.SKIP } });
    expect(train.defaultLaunchPlan.executionDefaults).toEqual({});
  });

  it("refuses settings the control plane would refuse, naming the option", () => {
    const bad: [object, string][] = [
      [{ concurrency: { max: 0 } }, 'launch plan "p": concurrency.max: must be a whole number of at least 1, got 0'],
      [{ concurrency: { max: 1, behavior: "wait" } }, 'launch plan "p": concurrency.behavior: must be "skip" or "queue", got "wait"'],
      [{ clusterLabel: "gpu=a=b" }, 'launch plan "p": clusterLabel: "gpu=a=b" is not a label key or key=value'],
      [{ clusterLabel: "-gpu" }, 'launch plan "p": clusterLabel: "-gpu" is not a label key or key=value'],
      [{ maxParallelism: 0 }, 'launch plan "p": maxParallelism: must be a whole number from 1 to 10000, got 0'],
      [{ maxParallelism: 2.5 }, 'launch plan "p": maxParallelism: must be a whole number from 1 to 10000, got 2.5'],
      [{ labels: { "bad key": "x" } }, 'launch plan "p": labels: "bad key" is not a valid label key'],
      [{ labels: { team: "not ok" } }, 'launch plan "p": labels.team: "not ok" is not a valid label value'],
    ];
    for (const [options, message] of bad) {
      expect(() => launchPlan(train, { name: "p", ...options })).toThrow(new DefinitionError(message));
    }
  });
});
