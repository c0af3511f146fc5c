export { datacatalogConfigSchema, loadDatacatalogConfig } from "./config.js";
export type { DatacatalogConfig } from "./config.js";
export type { DatacatalogContext } from "./context.js";
export { startDatacatalog } from "./main.js";
export type { RunningDatacatalog, StartDatacatalogOptions } from "./main.js";
export { migrateDatacatalogToLatest } from "./migrations/index.js";
export { setup } from "./setup.js";
