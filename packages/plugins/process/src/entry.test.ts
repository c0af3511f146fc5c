import { PluginRegistry } from "@skein/plugin-core";
import { describe, expect, it } from "vitest";
import { processPluginEntry } from "./entry.js";
import { ProcessPlugin } from "./process-plugin.js";

describe("processPluginEntry", () => {
  it("registers as the default plugin for TypeScript and container tasks and loads lazily", async () => {
    const registry = new PluginRegistry();
    registry.register(processPluginEntry({ workDir: "/tmp/unused" }));
    expect(registry.resolve("typescript").id).toBe("process");
    expect(registry.resolve("some-other-type").id).toBe("process");
    const plugin = await registry.pluginFor("container");
    expect(plugin).toBeInstanceOf(ProcessPlugin);
    expect(await registry.pluginFor("typescript")).toBe(plugin);
  });

  it("cannot be registered twice", () => {
    const registry = new PluginRegistry();
    registry.register(processPluginEntry({ workDir: "/tmp/unused" }));
    expect(() => { registry.register(processPluginEntry({ workDir: "/tmp/unused" })); }).toThrow('id "process" is already registered');
  });
});
