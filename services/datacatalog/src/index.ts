export { datacatalogConfigSchema, loadDatacatalogConfig } from "./config.js";
export type { DatacatalogConfig } from "./config.js";
