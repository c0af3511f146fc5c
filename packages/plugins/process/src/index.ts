export { ProcessPlugin } from "./process-plugin.js";
export type { ProcessPluginOptions, ProcessState } from "./process-plugin.js";
export { BadBundleError } from "./bundle-cache.js";
export { processPluginEntry } from "./entry.js";
