export type { BackendPlugin, PluginEntry, TaskAttempt, TaskStatus } from "./plugin.js";
export { PluginRegistry, PluginRegistryError } from "./registry.js";
