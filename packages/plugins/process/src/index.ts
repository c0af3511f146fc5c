export { ProcessPlugin } from "./process-plugin.js";
export type { ProcessPluginOptions, ProcessState } from "./process-plugin.js";
export type { FreshProcessState } from "./fresh-process-plugin.js";
export type { WorkerPoolState } from "./pool-state.js";
export { BadBundleError } from "./bundle-cache.js";
export { processPluginEntry } from "./entry.js";
