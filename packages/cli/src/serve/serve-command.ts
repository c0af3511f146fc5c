import { ConfigError, type LogSink } from "@skein/server";
import { clusterFlags, isServiceName, servableServices, serviceNames, type RunningService, type ServeOverrides, type ServiceName } from "./services.js";

const EXIT_OK = 0;
const EXIT_USAGE = 2;

export interface ServeIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C: the service stops after finishing open requests. */
  readonly abort?: AbortSignal;
  /** Called once the service listens (tests use it to reach it). */
  readonly onListening?: (service: RunningService) => void;
  /** Where the service's log lines go; JSON lines on stderr by default. */
  readonly logSink?: LogSink;
}

export type ServeOptions = ServeOverrides;

/**
 * `skein serve <service>`: one service on its own, with embedded PostgreSQL under the data
 * directory unless DATABASE_URL is set. Runs until `io.abort` fires and returns the exit code:
 * 2 for an unknown service or a bad setting (the message names it), 0 after a clean stop.
 */
export async function serveCommand(name: string, options: ServeOptions, io: ServeIo): Promise<number> {
  if (!isServiceName(name)) {
    io.err(`error: serve: "${name}" is not a service that can run on its own (available: ${serviceNames.join(", ")})\n`);
    return EXIT_USAGE;
  }
  return serveService(name, options, io);
}

/** `skein serve admin`, kept as its own entry point for callers that only ever run admin. */
export function serveAdmin(options: ServeOptions, io: ServeIo): Promise<number> {
  return serveService("admin", options, io);
}

async function serveService(name: ServiceName, options: ServeOptions, io: ServeIo): Promise<number> {
  if (!servableServices[name].takesClusterFlags) {
    const misplaced = (Object.keys(clusterFlags) as (keyof typeof clusterFlags)[]).filter((flag) => options[flag] !== undefined);
    if (misplaced.length > 0) {
      io.err(`error: serve ${name}: ${misplaced.map((flag) => `--${flag}`).join(", ")} applies only to skein serve propeller\n`);
      return EXIT_USAGE;
    }
  }
  let service: RunningService;
  try {
    service = await servableServices[name].start(options, io.env, io.logSink);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  io.out(
    servableServices[name].takesClusterFlags
      ? `${name} running, dialing admin, the cluster router and datacatalog; health on ${service.url} (database: ${service.databaseKind})\n`
      : `${name} serving Connect, gRPC and gRPC-Web on ${service.url} (database: ${service.databaseKind})\n`,
  );
  io.onListening?.(service);
  await new Promise<void>((resolve) => {
    if (io.abort?.aborted) resolve();
    io.abort?.addEventListener("abort", () => { resolve(); }, { once: true });
  });
  await service.close();
  io.out(`${name} stopped\n`);
  return EXIT_OK;
}

/** Help text of the `--host`/`--port` flags, naming each service's variable and default. */
export function serveFlagHelp(flag: "host" | "port"): string {
  const perService = serviceNames.map((name) => `${servableServices[name].envPrefix}_${flag.toUpperCase()}`).join(", ");
  if (flag === "host") return `interface to listen on (default 127.0.0.1; env ${perService})`;
  const defaults = serviceNames.map((name) => `${name} ${servableServices[name].defaultPort}`).join(", ");
  return `port to listen on (default ${defaults}; env ${perService})`;
}
