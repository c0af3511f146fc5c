export { adminConfigSchema, loadAdminConfig } from "./config.js";
export type { AdminConfig } from "./config.js";
