import { create, fromBinary } from "@bufbuild/protobuf";
import { LiteralMapSchema, TaskExecutionPhase, TaskTemplateSchema, WorkflowExecutionIdentifierSchema, type TaskExecutionEvent } from "@skein/idl";
import { EventSchema } from "@skein/idl/admin/v1";
import { createInProcessQuotas, PluginRegistry, type BackendPlugin, type TaskStatus } from "@skein/plugin-core";
import { createLogger, createMemorySink } from "@skein/server";
import { describe, expect, it } from "vitest";
import { storeKinds, useStore } from "../test-support/store-fixture.js";
import { AttemptRunner, Slots, type AttemptOutcome } from "./attempt-runner.js";

/** A plugin whose attempts end `runMs` after create (0: already ended when create returns). */
class TimedPlugin implements BackendPlugin<{ key: string }> {
  readonly creates: string[] = [];
  private readonly ends = new Map<string, number>();
  constructor(private readonly runMs: number) {}
  create(attempt: Parameters<BackendPlugin["create"]>[0]): Promise<{ key: string }> {
    const key = `${attempt.id.nodeExecutionId?.nodeId ?? ""}#${attempt.id.retryAttempt}`;
    this.creates.push(key);
    if (!this.ends.has(key)) this.ends.set(key, Date.now() + this.runMs);
    return Promise.resolve({ key });
  }
  get(_attempt: unknown, state: { key: string }): Promise<TaskStatus> {
    const ended = Date.now() >= (this.ends.get(state.key) ?? Infinity);
    return Promise.resolve(ended ? { phase: TaskExecutionPhase.SUCCEEDED, outputs: create(LiteralMapSchema) } : { phase: TaskExecutionPhase.RUNNING });
  }
  async wait(_attempt: unknown, state: { key: string }, signal: AbortSignal): Promise<void> {
    const left = (this.ends.get(state.key) ?? Date.now()) - Date.now();
    if (left <= 0 || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
  delete(): Promise<void> {
    return Promise.resolve();
  }
}

const template = create(TaskTemplateSchema, { id: { project: "p", domain: "d", name: "t", version: "v1" }, type: "typescript" });

describe.each(storeKinds)("attempt runner (%s)", (kind) => {
  const fixture = useStore(kind);

  async function runOne(plugin: TimedPlugin): Promise<{ outcome: AttemptOutcome; stored: TaskExecutionEvent[] }> {
    const { key, lease } = await fixture.claimed();
    const plugins = new PluginRegistry();
    plugins.register({ id: "timed", taskTypes: ["typescript"], isDefault: true, load: () => Promise.resolve(plugin) });
    const runner = new AttemptRunner({
      plugins,
      store: fixture.store,
      slots: new Slots(4),
      pollMs: 10,
      wakeOutbox: () => undefined,
      quotas: createInProcessQuotas(),
      quotaRetryMs: 10,
      quotaRenewMs: 1000,
      logger: createLogger({ component: "test", sink: createMemorySink() }),
    });
    const outcome = await runner.run({
      lease,
      producer: { executionId: create(WorkflowExecutionIdentifierSchema, { project: key.project, domain: key.domain, name: key.name }), cluster: key.cluster, epoch: 1n },
      key: "attempt:n0#0",
      work: { type: "startAttempt", node: "n0", attempt: 0, task: template, inputs: create(LiteralMapSchema) },
      stored: undefined,
      signal: new AbortController().signal,
      onState: () => undefined,
    });
    const rows = (await fixture.store.pendingEvents(key.cluster, 100)).filter((r) => r.key.name === key.name);
    const stored = rows.flatMap((r) => {
      const event = fromBinary(EventSchema, r.event);
      return event.kind.case === "taskEvent" ? [event.kind.value] : [];
    });
    return { outcome, stored };
  }

  it("reports an attempt that ends at once RUNNING and ended together, writing nothing on the way", async () => {
    const { outcome, stored } = await runOne(new TimedPlugin(0));
    expect(outcome.event.type).toBe("attemptSucceeded");
    expect(outcome.reports.map((r) => [r.phase, r.phaseVersion])).toEqual([[TaskExecutionPhase.RUNNING, 0], [TaskExecutionPhase.SUCCEEDED, 1]]);
    expect(outcome.reports[0]?.at).toBeLessThanOrEqual(outcome.reports[1]?.at ?? 0);
    expect(stored).toEqual([]);
  });

  it("writes RUNNING while a longer attempt runs, and reports only its end afterwards", async () => {
    const plugin = new TimedPlugin(150);
    const { outcome, stored } = await runOne(plugin);
    expect(outcome.reports.map((r) => r.phase)).toEqual([TaskExecutionPhase.SUCCEEDED]);
    expect(stored.map((e) => e.phase)).toEqual([TaskExecutionPhase.RUNNING]);
    expect(plugin.creates).toHaveLength(1);
  });
});
