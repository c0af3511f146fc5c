export { loadPropellerConfig, propellerConfigSchema } from "./config.js";
export type { PropellerConfig } from "./config.js";
