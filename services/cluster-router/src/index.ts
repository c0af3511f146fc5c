export { loadRouterConfig, routerConfigSchema } from "./config.js";
export type { RouterConfig } from "./config.js";
