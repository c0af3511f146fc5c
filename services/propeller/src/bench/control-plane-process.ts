// The control plane (admin, cluster router, datacatalog) in a process of its own, as production
// runs it, so that the bench's propeller has its own event loop and its memory is its own. Prints
// one JSON line with the servers' urls once they serve; closes them on SIGTERM or when stdin ends.
import { loadRouterConfig } from "@skein/cluster-router";
import { startControlPlane } from "../test-support/control-plane.js";

// The router waits as long as in production before it fails a silent cluster over: the first and
// last steps of a 100,000-item map hold the replica's event loop for a second or two.
const plane = await startControlPlane({}, { heartbeatTimeoutMs: loadRouterConfig({}, {}).heartbeatTimeoutMs });
let closing: Promise<void> | undefined;
const close = () => {
  closing ??= plane.close().finally(() => process.exit(0));
  return closing;
};
process.on("SIGTERM", () => void close());
process.stdin.on("end", () => void close()).resume();
process.stdout.write(`${JSON.stringify({ admin: plane.admin.url, router: plane.router.url, datacatalog: plane.datacatalog.url, dataDir: plane.dataDir })}\n`);
