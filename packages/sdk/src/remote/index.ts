export { createAdminClient } from "./admin-client.js";
export type { AdminClient } from "./admin-client.js";
export { codeBundle } from "./code-bundle.js";
export type { CodeBundle } from "./code-bundle.js";
export { CODE_BUNDLE_CONFIG_KEY, CODE_MODULE_CONFIG_KEY, planRegistration, registrationRequests, taskTemplateWithCode } from "./registration.js";
export type { LoadedModule, PlannedEntity, RegistrationRequest } from "./registration.js";
export { gzipFixed, readTarArchive, tarArchive } from "./tar.js";
export type { ArchiveEntry } from "./tar.js";
export { contentVersion } from "./version.js";
