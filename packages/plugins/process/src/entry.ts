import type { PluginEntry } from "@skein/plugin-core";
import type { ProcessPluginOptions } from "./process-plugin.js";

/**
 * The registry entry of the process plugin: TypeScript and container tasks, and the default for
 * task types no other plugin claims. Tasks that ask for warm workers run in the worker pool, the
 * others in fresh processes. The plugin module loads on first use.
 */
export function processPluginEntry(options: ProcessPluginOptions): PluginEntry {
  return {
    id: "process",
    taskTypes: ["typescript", "container"],
    isDefault: true,
    load: async () => {
      const { ProcessPlugin } = await import("./process-plugin.js");
      return new ProcessPlugin(options);
    },
  };
}
