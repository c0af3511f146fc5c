import { SimpleType, ResourceName, type LiteralMap } from "@skein/idl";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../definition-error.js";
import { fakeRuntime, literalMap } from "../test-support/task-runtime.js";
import { fromLiteral, toLiteral } from "../types/convert.js";
import { literalTypeOf } from "../types/literal-type-of.js";
import { simpleType } from "../types/literal-types.js";
import { t } from "../types/t.js";
import { NonRetryableError, TaskValidationError } from "./errors.js";
import { WORKERS_CONFIG_KEY } from "./metadata.js";
import { task } from "./task.js";

const INT = simpleType(SimpleType.INTEGER);
const STRING = simpleType(SimpleType.STRING);

function outputsOf(result: Awaited<ReturnType<NonNullable<ReturnType<typeof task>["execute"]>>>): LiteralMap {
  if (!("outputs" in result)) throw new Error("expected outputs");
  return result.outputs;
}

describe("task templates", () => {
  it("builds the template: id, type, interface with descriptions, runtime", () => {
    const greet = task({ name: "greet", inputs: { name: t.string().describe("who to greet") }, outputs: t.string(), description: "says hello" }, ({ name }) => `Hello, ${name}!`);
    expect(greet.kind).toBe("task");
    expect(greet.name).toBe("greet");
    expect(greet.description).toBe("says hello");
    const template = greet.template;
    expect(template.id).toMatchObject({ name: "greet", project: "", domain: "", version: "" });
    expect(template.type).toBe("typescript");
    expect(template.interface?.inputs?.variables.name).toMatchObject({ description: "who to greet", type: STRING });
    expect(Object.keys(template.interface?.outputs?.variables ?? {})).toEqual(["o0"]);
    expect(template.metadata?.runtime).toMatchObject({ version: "0.1.0", flavor: "node" });
    expect(template.metadata?.discoverable).toBe(false);
    expect(template.target.case).toBeUndefined();
  });

  it("maps cache, retries with backoff, timeout, interruptible and the container", () => {
    const train = task(
      {
        name: "train",
        inputs: { data: t.string(), seed: t.int() },
        outputs: { loss: t.float(), steps: t.int() },
        cache: { version: "2", serialize: true, ignoreInputs: ["seed"] },
        retries: { count: 3, backoff: { initialDelay: "10s", multiplier: 2, maxDelay: "5m" } },
        timeout: "1h30m",
        interruptible: true,
        resources: { cpu: "500m", memory: "4Gi", gpu: 1 },
        image: "ghcr.io/acme/train:1",
        env: { MODE: "fast" },
      },
      () => ({ loss: 0.5, steps: 10 }),
    );
    const m = train.template.metadata;
    expect(m).toMatchObject({ discoverable: true, discoveryVersion: "2", cacheSerializable: true, cacheIgnoreInputVars: ["seed"], interruptibleValue: { case: "interruptible", value: true } });
    expect(m?.retries?.retries).toBe(3);
    expect(m?.retries?.multiplier).toBe(2);
    expect(durationMs(m?.retries?.initialDelay ?? { seconds: 0n, nanos: 0 } as never)).toBe(10_000);
    expect(m?.retries?.maxDelay && durationMs(m.retries.maxDelay)).toBe(300_000);
    expect(m?.timeout && durationMs(m.timeout)).toBe(5_400_000);
    const target = train.template.target;
    expect(target.case).toBe("container");
    if (target.case !== "container") return;
    expect(target.value.image).toBe("ghcr.io/acme/train:1");
    expect(target.value.env).toMatchObject([{ key: "MODE", value: "fast" }]);
    expect(target.value.resources?.requests.map((r) => [r.name, r.value])).toEqual([[ResourceName.CPU, "500m"], [ResourceName.MEMORY, "4Gi"], [ResourceName.GPU, "1"]]);
    expect(target.value.resources?.limits).toEqual(target.value.resources?.requests);
  });

  it("records warm workers in the template config, and nothing for fresh ones", () => {
    const noop = () => undefined;
    expect(task({ name: "warm", workers: "warm" }, noop).template.config).toEqual({ [WORKERS_CONFIG_KEY]: "warm" });
    expect(WORKERS_CONFIG_KEY).toBe("skein.workers");
    // Fresh is the default: a template without the key is the same version as before the option existed.
    expect(task({ name: "fresh", workers: "fresh" }, noop).template.config).toEqual({});
    expect(task({ name: "plain" }, noop).template.config).toEqual({});
  });

  it("rejects bad names, options and types, naming the task and the field", () => {
    const noop = () => undefined;
    const cases: [() => unknown, string | RegExp][] = [
      [() => task({ name: "1bad" }, noop), 'task name "1bad" is invalid'],
      [() => task({ name: "has space" }, noop), /task name "has space" is invalid/],
      [() => task({ name: "x", cache: true }, noop), 'task "x": cache: true needs an explicit version'],
      [() => task({ name: "x", cache: { version: "" } }, noop), 'task "x": cache.version: expected a non-empty string'],
      [() => task({ name: "x", inputs: { a: t.int() }, cache: { version: "1", ignoreInputs: ["b"] } }, noop), 'task "x": cache.ignoreInputs names "b", which is not an input (inputs: a)'],
      [() => task({ name: "x", retries: -1 }, noop), 'task "x": retries: expected a whole number from 0 to 100, got -1'],
      [() => task({ name: "x", retries: { count: 2, backoff: { initialDelay: "1s", multiplier: 0.5 } } }, noop), 'task "x": retries.backoff.multiplier: expected a finite number of at least 1, got 0.5'],
      [() => task({ name: "x", retries: { count: 2, backoff: { initialDelay: "1m", maxDelay: "10s" } } }, noop), 'task "x": retries.backoff.maxDelay: 10000 ms is below initialDelay (60000 ms)'],
      [() => task({ name: "x", timeout: "soon" }, noop), /task "x": timeout: expected a non-negative duration/],
      [() => task({ name: "x", resources: { memory: "lots" } }, noop), 'task "x": resources.memory: "lots" is not a quantity'],
      [() => task({ name: "x", image: "" }, noop), 'task "x": image: expected a non-empty image reference'],
      [() => task({ name: "x", retry: 3 } as never, noop), 'task "x": unknown option "retry"'],
      [() => task({ name: "x", workers: "hot" as never }, noop), 'task "x": workers: expected "fresh" or "warm", got "hot"'],
      [() => task({ name: "x", workers: 2 as never }, noop), 'task "x": workers: expected "fresh" or "warm", got 2'],
      [() => task({ name: "x", workers: null as never }, noop), 'task "x": workers: expected "fresh" or "warm", got null'],
      [() => task({ name: "x", workers: (() => "warm") as never }, noop), 'task "x": workers: expected "fresh" or "warm", got a function'],
      [() => task({ name: "x", inputs: { "bad-name": t.int() } }, noop), 'task "x": inputs.bad-name: invalid name'],
      [() => task({ name: "x", inputs: { a: t.string() as never, b: "int" as never } }, noop), 'task "x": inputs.b: expected a type from t'],
      [() => task({ name: "x", inputs: { pair: t.list(t.int()).transform((l) => l.length) as never } }, noop), 'task "x": inputs.pair: z.pipe() has no Skein type'],
      [() => task({ name: "x", inputs: { n: t.int().default(1.5 as number) } }, noop), /task "x": inputs\.n: default: .*expected int/],
      [() => task({ name: "x", outputs: { o: t.datetime(), p: t.struct({ d: t.datetime() }) } }, noop as never), /task "x": outputs\.p\.d: t\.datetime\(\) has no Skein type/],
    ];
    for (const [define, message] of cases) {
      expect(define).toThrow(DefinitionError);
      expect(define).toThrow(message);
    }
  });

  it("cannot be called outside a workflow body", () => {
    const one = task({ name: "one", outputs: t.int() }, () => 1);
    expect(() => one({})).toThrow('task "one" was called outside a workflow body');
  });
});

describe("task.execute", () => {
  it("converts inputs, applies defaults, runs the function and converts outputs", async () => {
    const add = task(
      { name: "add", inputs: { a: t.int(), b: t.int().default(10), big: t.bigint(), note: t.string().optional() }, outputs: { sum: t.int(), big: t.bigint(), note: t.string() } },
      ({ a, b, big, note }) => ({ sum: a + b, big: big * 2n, note: note ?? "none" }),
    );
    const runtime = fakeRuntime();
    const result = await add.execute!(literalMap({ a: toLiteral(1, INT), big: toLiteral(2n ** 61n, INT) }), runtime);
    const outputs = outputsOf(result);
    expect(fromLiteral(outputs.literals.sum!, INT)).toBe(11n);
    expect(fromLiteral(outputs.literals.big!, INT)).toBe(2n ** 62n);
    expect(fromLiteral(outputs.literals.note!, STRING)).toBe("none");
  });

  it("passes structs with exact integers, files, durations and dates", async () => {
    const Cfg = t.struct({ layers: t.int(), seed: t.bigint(), data: t.file("csv") }, { title: "Cfg" });
    const echo = task(
      { name: "echo", inputs: { cfg: Cfg, wait: t.duration(), at: t.datetime() }, outputs: { cfg: Cfg, wait: t.duration(), at: t.datetime() } },
      ({ cfg, wait, at }) => {
        expect(typeof cfg.layers).toBe("number");
        expect(typeof cfg.seed).toBe("bigint");
        return { cfg: { ...cfg, layers: cfg.layers + 1 }, wait: wait * 2, at };
      },
    );
    const cfgType = literalTypeOf(Cfg);
    const inputs = literalMap({
      cfg: toLiteral({ layers: 3, seed: 2n ** 60n + 1n, data: { uri: "s3://b/k.csv" } }, cfgType),
      wait: toLiteral(1500, simpleType(SimpleType.DURATION)),
      at: toLiteral(new Date("2024-01-02T03:04:05.678Z"), simpleType(SimpleType.DATETIME)),
    });
    const outputs = outputsOf(await echo.execute!(inputs, fakeRuntime()));
    expect(fromLiteral(outputs.literals.cfg!, cfgType)).toEqual({ layers: 4, seed: 2n ** 60n + 1n, data: { uri: "s3://b/k.csv" } });
    expect(fromLiteral(outputs.literals.wait!, simpleType(SimpleType.DURATION))).toBe(3000);
    expect(fromLiteral(outputs.literals.at!, simpleType(SimpleType.DATETIME))).toEqual(new Date("2024-01-02T03:04:05.678Z"));
  });

  it("gives the function a context backed by the runtime", async () => {
    const step = task({ name: "step", outputs: t.string() }, async (_inputs, ctx) => {
      ctx.log(`attempt ${ctx.attempt} of ${ctx.executionName} at ${ctx.nodePath}`);
      const previous = await ctx.checkpoint.load();
      await ctx.checkpoint.save(new Uint8Array([(previous?.[0] ?? 0) + 1]));
      return ctx.signal.aborted ? "aborted" : "ok";
    });
    const runtime = fakeRuntime({ attempt: 2 });
    await step.execute!(literalMap({}), runtime);
    await step.execute!(literalMap({}), runtime);
    expect(runtime.logs).toEqual(["attempt 2 of exec-1 at n0", "attempt 2 of exec-1 at n0"]);
    expect(runtime.saved.map((b) => b[0])).toEqual([1, 2]);
  });

  it("rejects inputs and outputs that do not fit, without retries", async () => {
    const half = task({ name: "half", inputs: { n: t.int().min(0) }, outputs: t.int() }, ({ n }) => n / 2);
    const run = (n: number | bigint) => half.execute!(literalMap({ n: toLiteral(n, INT) }), fakeRuntime());
    await expect(run(-2)).rejects.toThrow(TaskValidationError);
    await expect(run(-2)).rejects.toThrow(/^task "half": inputs\.n: Too small/);
    await expect(run(3)).rejects.toThrow('task "half": the returned value does not fit the output: output: Invalid input: expected int, received number');
    await expect(run(2n ** 60n)).rejects.toThrow(/inputs\.n: .*use t\.bigint\(\)/);
    await expect(half.execute!(literalMap({ n: toLiteral("x", STRING) }), fakeRuntime())).rejects.toThrow('task "half": inputs.n: expected int, got a stringValue primitive');
    await expect(half.execute!(literalMap({ m: toLiteral(1, INT) }), fakeRuntime())).rejects.toThrow('task "half": unknown inputs m (inputs: n)');
    expect(new TaskValidationError("x")).toBeInstanceOf(NonRetryableError);
    const pair = task({ name: "pair", outputs: { a: t.int(), b: t.int() } }, () => ({ a: 1, c: 2 }) as never);
    await expect(pair.execute!(literalMap({}), fakeRuntime())).rejects.toThrow(/task "pair": outputs\.b: .*; outputs: Unrecognized key: "c"/);
  });

  it("lets errors thrown by the function through unchanged", async () => {
    const boom = new RangeError("boom");
    const fails = task({ name: "fails" }, () => {
      throw boom;
    });
    await expect(fails.execute!(literalMap({}), fakeRuntime())).rejects.toBe(boom);
    const permanent = task({ name: "permanent" }, () => Promise.reject(new NonRetryableError("bad data")));
    await expect(permanent.execute!(literalMap({}), fakeRuntime())).rejects.toBeInstanceOf(NonRetryableError);
  });
});
