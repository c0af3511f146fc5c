// One control-plane service (router, datacatalog or admin) in a process of its own, as production
// runs it, so that the bench's propeller and each service have their own event loop and memory.
// Arguments: the service, the shared data directory, and for admin the router's url. Prints one
// JSON line with the service's url once it serves; closes it on SIGTERM or when stdin ends.
import { loadRouterConfig } from "@skein/cluster-router";
import { startControlPlaneService } from "../test-support/control-plane.js";

const [service, dataDir, routerUrl] = process.argv.slice(2);
if ((service !== "router" && service !== "datacatalog" && service !== "admin") || dataDir === undefined) {
  throw new Error(`usage: control-plane-process.ts router|datacatalog|admin DATA_DIR [ROUTER_URL] (got ${process.argv.slice(2).join(" ")})`);
}
// The router keeps production's timings, not the tests' quick ones: it waits as long before it
// fails a silent cluster over (the first and last steps of a 100,000-item map hold the replica's
// event loop for a second or two), and its background rounds cost what they cost in production.
const production = loadRouterConfig({}, {});
const running = await startControlPlaneService(service, dataDir, {
  ...(routerUrl !== undefined && routerUrl !== "" ? { routerUrl } : {}),
  router: {
    heartbeatTimeoutMs: production.heartbeatTimeoutMs,
    heartbeatIntervalMs: production.heartbeatIntervalMs,
    rebalanceIntervalMs: production.rebalanceIntervalMs,
    watchPollMs: production.watchPollMs,
  },
});
let closing: Promise<void> | undefined;
const close = () => {
  closing ??= running.close().finally(() => process.exit(0));
  return closing;
};
process.on("SIGTERM", () => void close());
process.stdin.on("end", () => void close()).resume();
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
