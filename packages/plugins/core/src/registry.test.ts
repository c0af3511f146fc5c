import { TaskExecutionPhase } from "@skein/idl";
import { describe, expect, it, vi } from "vitest";
import type { BackendPlugin, PluginEntry } from "./plugin.js";
import { PluginRegistry, PluginRegistryError } from "./registry.js";

const plugin: BackendPlugin<string> = {
  create: () => Promise.resolve("handle"),
  get: () => Promise.resolve({ phase: TaskExecutionPhase.SUCCEEDED }),
  delete: () => Promise.resolve(),
};

function entry(id: string, taskTypes: string[], extra: Partial<PluginEntry> = {}): PluginEntry {
  return { id, taskTypes, load: () => Promise.resolve(plugin as BackendPlugin), ...extra };
}

describe("PluginRegistry", () => {
  it("resolves a task type to the entry that claims it, else to the default", () => {
    const registry = new PluginRegistry();
    registry.register(entry("process", ["container", "typescript"], { isDefault: true }));
    registry.register(entry("databricks", ["spark"]));
    expect(registry.resolve("spark").id).toBe("databricks");
    expect(registry.resolve("typescript").id).toBe("process");
    expect(registry.resolve("unknown-type").id).toBe("process");
    expect(registry.list().map((e) => e.id)).toEqual(["process", "databricks"]);
  });

  it("names the task type and the known ones when nothing runs it", () => {
    const registry = new PluginRegistry();
    registry.register(entry("databricks", ["spark"]));
    expect(() => registry.resolve("sql")).toThrow('no plugin runs task type "sql" (registered types: spark)');
  });

  it("rejects a bad entry with every problem at once and registers nothing of it", () => {
    const registry = new PluginRegistry();
    registry.register(entry("process", ["container"], { isDefault: true }));
    const bad = entry("Bad Id", ["container", "x y", "x y"], { isDefault: true });
    expect(() => registry.register(bad)).toThrow(PluginRegistryError);
    try {
      registry.register(bad);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('id "Bad Id" must be lowercase');
      expect(message).toContain('"container" is already handled by plugin "process"');
      expect(message).toContain('"x y" is not a valid task type name');
      expect(message).toContain('"x y" is listed twice');
      expect(message).toContain('plugin "process" is already the default');
    }
    expect(registry.list()).toHaveLength(1);
    expect(() => registry.register(entry("empty", []))).toThrow("taskTypes must list at least one task type");
    expect(() => registry.register(entry("process", ["other"]))).toThrow('id "process" is already registered');
  });

  it("loads a plugin lazily and only once", async () => {
    const load = vi.fn(() => Promise.resolve(plugin as BackendPlugin));
    const registry = new PluginRegistry();
    registry.register(entry("process", ["container", "typescript"], { load }));
    expect(load).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([registry.pluginFor("container"), registry.pluginFor("typescript")]);
    expect(a).toBe(b);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("rejects a loaded plugin that lacks a method, and retries the load next time", async () => {
    let calls = 0;
    const registry = new PluginRegistry();
    registry.register(
      entry("flaky", ["sql"], {
        load: () => {
          calls += 1;
          const incomplete = { create: () => Promise.resolve("handle"), get: () => Promise.resolve({ phase: TaskExecutionPhase.RUNNING }) };
          return Promise.resolve((calls === 1 ? incomplete : plugin) as BackendPlugin);
        },
      }),
    );
    await expect(registry.pluginFor("sql")).rejects.toThrow('plugin "flaky" loaded without a delete() method');
    await expect(registry.pluginFor("sql")).resolves.toBe(plugin);
  });
});
