export type { BackendPlugin, PluginEntry, ResourceQuotaNeed, TaskAttempt, TaskStatus } from "./plugin.js";
export { PluginRegistry, PluginRegistryError } from "./registry.js";
export type { AllocationRequest, AllocationStatus, ProjectConstraint, ResourceQuotas } from "./quota/resource-quotas.js";
export { defaultQuotaLeaseMs, ResourceQuotaRequestError } from "./quota/resource-quotas.js";
export { createInProcessQuotas, type InProcessQuotasOptions } from "./quota/in-process-quotas.js";
export { createRedisQuotas, defaultQuotaKeyPrefix, ResourceQuotaUnavailableError, type RedisQuotas, type RedisQuotasOptions } from "./quota/redis-quotas.js";
