import { parseConfig, serviceConfigShape, serviceEnvBindings } from "@skein/server";
import { z } from "zod";
import { labelSelectorPattern } from "./domain/label-selector.js";

/** The cluster router's configuration: the shared service settings plus health, failover and watch timing. */
export const routerConfigSchema = z
  .object({
    ...serviceConfigShape(8090),
    /** A cluster that has not heartbeated for this long is unreachable and its work moves elsewhere. */
    heartbeatTimeoutMs: z.coerce.number().int().positive().default(15_000),
    /** How often clusters are told to heartbeat (HeartbeatResponse.next_heartbeat_in); below the timeout. */
    heartbeatIntervalMs: z.coerce.number().int().positive().default(5_000),
    /** Label selector (`key` or `key=value`) used when an assignment names neither a cluster nor a label. */
    defaultExecutionLabel: z.string().regex(labelSelectorPattern, "must be a label selector: key or key=value").optional(),
    /** Pause between rounds of the loop that fails over unreachable clusters and places pending work. */
    rebalanceIntervalMs: z.coerce.number().int().min(10).max(600_000).default(2_000),
    /** How often an assignment watcher reads the change log without a wake-up (changes made by another replica). */
    watchPollMs: z.coerce.number().int().min(10).max(60_000).default(1_000),
    /** How long delivered assignment changes are kept for watchers that are catching up. */
    changeRetentionMs: z.coerce.number().int().min(60_000).default(3_600_000),
  })
  .refine((c) => c.heartbeatIntervalMs < c.heartbeatTimeoutMs, {
    message: "must be lower than heartbeatTimeoutMs",
    path: ["heartbeatIntervalMs"],
  });

export type RouterConfig = z.output<typeof routerConfigSchema>;

/** Reads the router's configuration from flags (`overrides`) and the environment, once, at start. */
export function loadRouterConfig(
  overrides: Partial<z.input<typeof routerConfigSchema>> = {},
  source: Readonly<Record<string, string | undefined>> = process.env,
): RouterConfig {
  return parseConfig("cluster-router", routerConfigSchema, {
    env: {
      ...serviceEnvBindings("SKEIN_ROUTER"),
      heartbeatTimeoutMs: "SKEIN_HEARTBEAT_TIMEOUT_MS",
      heartbeatIntervalMs: "SKEIN_HEARTBEAT_INTERVAL_MS",
      defaultExecutionLabel: "SKEIN_DEFAULT_EXECUTION_LABEL",
      rebalanceIntervalMs: "SKEIN_ROUTER_REBALANCE_INTERVAL_MS",
      watchPollMs: "SKEIN_ROUTER_WATCH_POLL_MS",
      changeRetentionMs: "SKEIN_ROUTER_CHANGE_RETENTION_MS",
    },
    source,
    overrides,
  });
}
