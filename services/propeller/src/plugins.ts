import { join, resolve } from "node:path";
import { PluginRegistry } from "@skein/plugin-core";
import { ProcessPlugin } from "@skein/plugin-process";
import type { PropellerConfig } from "./config.js";

/** The plugins a replica starts with: the process plugin runs every task type no other plugin claims. */
export function defaultPlugins(config: Pick<PropellerConfig, "dataDir" | "clusterId" | "workDir">): PluginRegistry {
  const workDir = resolve(config.workDir ?? join(config.dataDir, `propeller-${config.clusterId}`));
  const registry = new PluginRegistry();
  registry.register({
    id: "process",
    taskTypes: ["typescript", "container"],
    isDefault: true,
    load: () => Promise.resolve(new ProcessPlugin({ workDir })),
  });
  return registry;
}
