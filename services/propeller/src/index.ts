export { loadPropellerConfig, propellerConfigSchema } from "./config.js";
export type { PropellerConfig } from "./config.js";
export type { PropellerContext } from "./context.js";
export { startPropeller } from "./main.js";
export type { RunningPropeller, StartPropellerOptions } from "./main.js";
export { migratePropellerToLatest } from "./migrations/index.js";
export { defaultPlugins } from "./plugins.js";
export { setup } from "./setup.js";
export type { PropellerService } from "./setup.js";
