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
    },
    source,
    overrides,
  });
}
