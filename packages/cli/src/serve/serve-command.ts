import { ConfigError } from "@skein/server";
import { loadAdminConfig, startAdmin, type RunningAdmin } from "@skein/admin";

export interface ServeIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C: the service stops after finishing open requests. */
  readonly abort?: AbortSignal;
  /** Called once the service listens (tests use it to reach it). */
  readonly onListening?: (service: RunningAdmin) => void;
}

export interface ServeOptions {
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
}

/**
 * `skein serve admin`: the control plane on its own, with embedded PostgreSQL under the data
 * directory unless DATABASE_URL is set. Runs until `io.abort` fires; returns the exit code.
 */
export async function serveAdmin(options: ServeOptions, io: ServeIo): Promise<number> {
  let service: RunningAdmin;
  try {
    const config = loadAdminConfig(
      { ...(options.host !== undefined && { host: options.host }), ...(options.port !== undefined && { port: options.port }), ...(options.dataDir !== undefined && { dataDir: options.dataDir }) },
      io.env,
    );
    service = await startAdmin({ config });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  io.out(`admin serving Connect, gRPC and gRPC-Web on ${service.url} (database: ${service.databaseKind})\n`);
  io.onListening?.(service);
  await new Promise<void>((resolve) => {
    if (io.abort?.aborted) resolve();
    io.abort?.addEventListener("abort", () => { resolve(); }, { once: true });
  });
  await service.close();
  io.out("admin stopped\n");
  return 0;
}
