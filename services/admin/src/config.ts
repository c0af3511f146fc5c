import { parseConfig, serviceConfigShape, serviceEnvBindings, urlSchema } from "@skein/server";
import path from "node:path";
import { z } from "zod";

/** Admin's configuration: the shared service settings plus the control plane's own. */
export const adminConfigSchema = z.object({
  ...serviceConfigShape(8088),
  /** Where admin reaches the cluster router; unset in the sandbox, where the router runs in-process. */
  routerEndpoint: urlSchema("http:", "https:").optional(),
  /** Domains every project gets. */
  domains: z
    .array(z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a lowercase DNS label"))
    .min(1)
    .default(["development", "staging", "production"]),
  /** Default maximum of concurrently running nodes per execution (0 = unlimited). */
  maxParallelism: z.coerce.number().int().min(0).default(25),
  /**
   * Largest serialized input or output map (bytes) kept inline in the database; larger ones go to
   * the blob store (`blobStoreUrl`, default `file://<dataDir>/blobs`) and the row keeps the uri.
   */
  inlineDataMaxBytes: z.coerce.number().int().min(0).max(16 * 1024 * 1024).default(64 * 1024),
  /** How often each replica's scheduler looks for due launch plan firings (ms). */
  scheduleTickMs: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** Most firings one launch plan launches per tick while catching up after downtime. */
  scheduleCatchUpPerTick: z.coerce.number().int().min(1).max(10_000).default(100),
  /**
   * How often a WatchExecution stream reads the change log without a wake-up (ms). Wake-ups come
   * at once from this replica and, with `redisUrl` set, from the others; the poll is the fallback.
   */
  watchPollMs: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
  /**
   * Directory of the built console, served under /console. Unset: the installed @skein/console
   * package's dist. Admin serves its API either way; without a build, /console says how to make one.
   */
  consoleDir: z.string().min(1).optional(),
  /**
   * Directories whose local files (`file://` uris in recorded inputs, outputs and task logs) the
   * console may download through admin; real paths are compared, so `..` and symlinks cannot leave
   * them. Files in admin's blob store are always readable. From the environment, a list separated
   * like PATH (`:` on POSIX). Default: none.
   */
  localFileRoots: z
    .preprocess(
      (value) => (typeof value === "string" ? value.split(path.delimiter).filter((entry) => entry !== "") : value),
      z.array(z.string().refine((entry) => path.isAbsolute(entry), "must be an absolute path")),
    )
    .default([]),
});

export type AdminConfig = z.output<typeof adminConfigSchema>;

/** Reads admin's configuration from flags (`overrides`) and the environment, once, at start. */
export function loadAdminConfig(
  overrides: Partial<z.input<typeof adminConfigSchema>> = {},
  source: Readonly<Record<string, string | undefined>> = process.env,
): AdminConfig {
  return parseConfig("admin", adminConfigSchema, {
    env: { ...serviceEnvBindings("SKEIN_ADMIN"), routerEndpoint: "SKEIN_ROUTER_ENDPOINT", maxParallelism: "SKEIN_MAX_PARALLELISM", inlineDataMaxBytes: "SKEIN_INLINE_DATA_MAX_BYTES",
      scheduleTickMs: "SKEIN_SCHEDULE_TICK_MS", scheduleCatchUpPerTick: "SKEIN_SCHEDULE_CATCH_UP_PER_TICK",
      watchPollMs: "SKEIN_WATCH_POLL_MS", consoleDir: "SKEIN_CONSOLE_DIR", localFileRoots: "SKEIN_LOCAL_FILE_ROOTS" },
    source,
    overrides,
  });
}
