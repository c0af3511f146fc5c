import { z } from "zod";
import { portSchema, urlSchema } from "./config.js";

/**
 * The settings every service shares. A service extends this shape with its own keys; each key has
 * a default so a service starts with no configuration at all (the embedded sandbox).
 */
export function serviceConfigShape(defaultPort: number) {
  return {
    /** Interface to listen on. Loopback by default: nothing is exposed until authentication exists. */
    host: z.string().min(1).default("127.0.0.1"),
    /** Port to listen on; 0 picks a free one (tests). */
    port: portSchema.default(defaultPort),
    /** PostgreSQL to use; when unset, an embedded PostgreSQL keeps its files under `dataDir`. */
    databaseUrl: urlSchema("postgres:", "postgresql:").optional(),
    /** Redis for wake-ups, quotas and fan-out; when unset, in-process replacements are used. */
    redisUrl: urlSchema("redis:", "rediss:").optional(),
    /** Directory for embedded state (database files, the default blob store). */
    dataDir: z.string().min(1).default(".skein"),
    /** Where code bundles and offloaded values live: `file://` path or `s3://` bucket. */
    blobStoreUrl: z.string().regex(/^(file|s3):\/\//, "must start with file:// or s3://").optional(),
    /** Least severe log level written. */
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  };
}

/** Environment variables for the shared settings, given the service's variable prefix. */
export function serviceEnvBindings(prefix: string) {
  return {
    host: `${prefix}_HOST`,
    port: `${prefix}_PORT`,
    databaseUrl: "DATABASE_URL",
    redisUrl: "REDIS_URL",
    dataDir: "SKEIN_DATA_DIR",
    blobStoreUrl: "SKEIN_BLOB_STORE_URL",
    logLevel: "SKEIN_LOG_LEVEL",
  } as const;
}
