import { parseConfig, serviceConfigShape, serviceEnvBindings } from "@skein/server";
import { z } from "zod";

/** The cluster router's configuration: the shared service settings plus health timing. */
export const routerConfigSchema = z.object({
  ...serviceConfigShape(8090),
  /** A cluster that has not heartbeated for this long is unhealthy and its work moves elsewhere. */
  heartbeatTimeoutMs: z.coerce.number().int().positive().default(15_000),
  /** Label used when neither the request, the launch plan nor an attribute names one. */
  defaultExecutionLabel: z.string().optional(),
});

export type RouterConfig = z.output<typeof routerConfigSchema>;

/** Reads the router's configuration from flags (`overrides`) and the environment, once, at start. */
export function loadRouterConfig(
  overrides: Partial<z.input<typeof routerConfigSchema>> = {},
  source: Readonly<Record<string, string | undefined>> = process.env,
): RouterConfig {
  return parseConfig("cluster-router", routerConfigSchema, {
    env: { ...serviceEnvBindings("SKEIN_ROUTER"), heartbeatTimeoutMs: "SKEIN_HEARTBEAT_TIMEOUT_MS" },
    source,
    overrides,
  });
}
