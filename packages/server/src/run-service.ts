import { setMaxListeners } from "node:events";
import { createErrorInterceptor } from "./error-interceptor.js";
import type { Logger } from "./logger.js";
import { serveConnect } from "./serve-connect.js";
import type { ServiceSetup } from "./service-setup.js";
import { createValidationInterceptor } from "./validation-interceptor.js";

export interface RunServiceOptions {
  readonly logger: Logger;
  readonly host: string;
  readonly port: number;
  /** Builds the service (its `setup(ctx)`), once the resources it needs are open. */
  readonly setup: () => Promise<ServiceSetup>;
  /** Closes what the caller opened for the service (database, connections); runs last, once. */
  readonly release: () => Promise<void>;
}

export interface RunningService {
  /** Base URL serving Connect, gRPC and gRPC-Web, e.g. `http://127.0.0.1:8088`. */
  readonly url: string;
  readonly port: number;
  /** Stops the background loops, stops serving (letting open requests finish), then releases. */
  close(): Promise<void>;
}

/**
 * Runs a service the way every `main.ts` does: set it up, start its background loops, serve its
 * routes behind the shared error and validation interceptors. If anything fails on the way up, what
 * started is stopped and `release` runs before the error is rethrown.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const { logger } = options;
  const stop = new AbortController();
  // Every loop, and every wait inside one, listens on this signal: their number has no fixed bound.
  setMaxListeners(0, stop.signal);
  let loops: Promise<void>[] = [];
  const stopLoops = async () => {
    stop.abort();
    await Promise.all(loops);
  };
  try {
    const service = await options.setup();
    loops = service.loops.map((loop) =>
      loop.run(stop.signal).catch((error: unknown) => {
        logger.error("background loop failed", { loop: loop.name, error });
      }),
    );
    const server = await serveConnect({
      routes: service.routes,
      host: options.host,
      port: options.port,
      interceptors: [createErrorInterceptor(logger), createValidationInterceptor()],
      logger,
      ...(service.http !== undefined ? { fallback: service.http } : {}),
    });
    return {
      url: server.url,
      port: server.port,
      async close() {
        // Loops stop first: a loop may feed open streams (watches) that end only when it does.
        stop.abort();
        await server.close();
        await stopLoops();
        await options.release();
      },
    };
  } catch (error) {
    await stopLoops();
    await options.release();
    throw error;
  }
}
