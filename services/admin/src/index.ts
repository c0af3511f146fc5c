export { adminConfigSchema, loadAdminConfig } from "./config.js";
export type { AdminConfig } from "./config.js";
export type { AdminContext } from "./context.js";
export { startAdmin } from "./main.js";
export type { RunningAdmin, StartAdminOptions } from "./main.js";
export { migrateAdminToLatest } from "./migrations/index.js";
export { setup } from "./setup.js";
