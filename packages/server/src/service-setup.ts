import type { ConnectRouter } from "@connectrpc/connect";
import type { HttpHandler } from "./http-handler.js";

/** Work a service runs for as long as it lives (schedulers, sweepers); it stops when `signal` aborts. */
export interface BackgroundLoop {
  readonly name: string;
  run(signal: AbortSignal): Promise<void>;
}

/** What a service's `setup(ctx)` hands back for `main.ts`, the sandbox or a test to compose. */
export interface ServiceSetup {
  /** Mounts the service's Connect routes. */
  readonly routes: (router: ConnectRouter) => void;
  readonly loops: readonly BackgroundLoop[];
  /** Answers requests for paths that are no RPC (admin serves the console this way); at most one per server. */
  readonly http?: HttpHandler;
}
