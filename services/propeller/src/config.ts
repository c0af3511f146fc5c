import { parseConfig, serviceConfigShape, serviceEnvBindings, urlSchema } from "@skein/server";
import { z } from "zod";

const labelPattern = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Propeller's configuration: the shared service settings plus the cluster it serves. */
export const propellerConfigSchema = z.object({
  ...serviceConfigShape(8091),
  /** The cluster this replica executes for. */
  clusterId: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a lowercase DNS label").default("local-a"),
  /** Region the cluster is in, used by region-aware routing. */
  region: z.string().min(1).default("local"),
  /** Labels the cluster advertises, as `key=value` pairs separated by commas. */
  labels: z
    .string()
    .default("")
    .transform((raw, ctx) => {
      const labels: Record<string, string> = {};
      for (const pair of raw.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
        const [key = "", value = "true"] = pair.split("=", 2);
        if (!labelPattern.test(key) || (value !== "" && !labelPattern.test(value))) {
          ctx.addIssue({ code: "custom", message: `label "${pair}" must be key=value with letters, digits, - _ .` });
        } else labels[key] = value;
      }
      return labels;
    }),
  /** Admin's address, for events and signals. */
  adminEndpoint: urlSchema("http:", "https:").default("http://127.0.0.1:8088"),
  /** The cluster router's address, for registration, heartbeats and assignments. */
  routerEndpoint: urlSchema("http:", "https:").default("http://127.0.0.1:8090"),
  /** Datacatalog's address, for cache lookups and writes. */
  datacatalogEndpoint: urlSchema("http:", "https:").default("http://127.0.0.1:8089"),
  /** Task attempts this replica runs at once. */
  workers: z.coerce.number().int().positive().default(8),
  /** Executions the cluster takes at once, as reported to the router. */
  capacity: z.coerce.number().int().min(0).default(100),
  /** The cluster's share of executions among clusters that qualify equally (1 to 10000). */
  weight: z.coerce.number().int().min(1).max(10_000).default(1),
  /** How long a replica's claim on an execution lasts without renewal, in ms; renewed every third of it. */
  leaseTtlMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Pause between claim rounds when nothing wakes the claimer (work of dead replicas), in ms. */
  claimIntervalMs: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** Pause between heartbeats to the router, in ms; keep it well below the router's timeout. */
  heartbeatIntervalMs: z.coerce.number().int().min(10).max(60_000).default(2_000),
  /** How often gates, child executions and plugins without wake-ups are checked, in ms. */
  pollMs: z.coerce.number().int().min(5).max(60_000).default(500),
  /** Heartbeat of a held cache reservation, in ms; executions waiting on it check this often. */
  cacheReservationHeartbeatMs: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /**
   * Items of a map that sets no parallelism started at once (0 = all of them); the map's own
   * parallelism wins. Items beyond it start as others end, so the step that starts a 100,000-item
   * map does not build 100,000 nodes at once while the replica's heartbeats wait.
   */
  defaultArrayParallelism: z.coerce.number().int().min(0).default(1_000),
  /**
   * How long a plugin's quota token holds its slot without renewal, in ms (renewed every quarter
   * of it while the attempt runs); a dead replica's tokens come back after it. Tokens live in Redis
   * when REDIS_URL is set (shared by every replica), else in this replica's memory.
   */
  quotaLeaseMs: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  /** Engine events handled per transaction at most. */
  maxBatch: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /**
   * With PostgreSQL, send the outbox from a worker thread of its own (the default), so that its
   * calls to admin do not wait behind the engine's steps; false sends it from the main thread.
   */
  outboxThread: z
    .union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")])
    .default(true),
  /** Local directory for code bundles, attempt directories and checkpoints; `<dataDir>/propeller-<clusterId>` by default. */
  workDir: z.string().min(1).optional(),
});

export type PropellerConfig = z.output<typeof propellerConfigSchema>;

/** Reads propeller's configuration from flags (`overrides`) and the environment, once, at start. */
export function loadPropellerConfig(
  overrides: Partial<z.input<typeof propellerConfigSchema>> = {},
  source: Readonly<Record<string, string | undefined>> = process.env,
): PropellerConfig {
  return parseConfig("propeller", propellerConfigSchema, {
    env: {
      ...serviceEnvBindings("SKEIN_PROPELLER"),
      clusterId: "SKEIN_CLUSTER_ID",
      region: "SKEIN_CLUSTER_REGION",
      labels: "SKEIN_CLUSTER_LABELS",
      adminEndpoint: "SKEIN_ADMIN_ENDPOINT",
      routerEndpoint: "SKEIN_ROUTER_ENDPOINT",
      datacatalogEndpoint: "SKEIN_DATACATALOG_ENDPOINT",
      workers: "SKEIN_PROPELLER_WORKERS",
      capacity: "SKEIN_CLUSTER_CAPACITY",
      weight: "SKEIN_CLUSTER_WEIGHT",
      leaseTtlMs: "SKEIN_PROPELLER_LEASE_TTL_MS",
      claimIntervalMs: "SKEIN_PROPELLER_CLAIM_INTERVAL_MS",
      heartbeatIntervalMs: "SKEIN_PROPELLER_HEARTBEAT_INTERVAL_MS",
      pollMs: "SKEIN_PROPELLER_POLL_MS",
      maxBatch: "SKEIN_PROPELLER_MAX_BATCH",
      outboxThread: "SKEIN_PROPELLER_OUTBOX_THREAD",
      defaultArrayParallelism: "SKEIN_PROPELLER_DEFAULT_ARRAY_PARALLELISM",
      quotaLeaseMs: "SKEIN_PROPELLER_QUOTA_LEASE_MS",
      cacheReservationHeartbeatMs: "SKEIN_PROPELLER_CACHE_RESERVATION_HEARTBEAT_MS",
      workDir: "SKEIN_PROPELLER_WORK_DIR",
    },
    source,
    overrides,
  });
}
