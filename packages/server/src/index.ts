export { ConfigError, parseConfig, portSchema, urlSchema } from "./config.js";
export type { EnvBindings } from "./config.js";
export { serviceConfigShape, serviceEnvBindings } from "./service-config.js";
