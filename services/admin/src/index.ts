export { adminConfigSchema, loadAdminConfig } from "./config.js";
export type { AdminConfig } from "./config.js";
export type { AdminContext } from "./context.js";
export { startAdmin } from "./main.js";
export type { RunningAdmin, StartAdminOptions } from "./main.js";
export { migrateAdminToLatest } from "./migrations/index.js";
export { effectiveTaskResources } from "./domain/task-resources.js";
export type { ResourceAmount, TaskResourceBounds, TaskResourceRequirements } from "./domain/task-resources.js";
export { setup } from "./setup.js";
