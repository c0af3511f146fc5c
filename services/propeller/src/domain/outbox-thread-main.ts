// The body of the outbox thread (see outbox-thread.ts): an OutboxSender of its own, on a database
// pool and an admin connection of its own, driven by messages from the replica's main thread.
import { parentPort, workerData } from "node:worker_threads";
import { createLogger } from "@skein/server";
import { connectAdmin } from "../clients.js";
import { openPropellerDatabase } from "../database.js";
import { ExecutionStore } from "../repositories/execution-store.js";
import { OutboxSender } from "./outbox-sender.js";
import type { FromOutboxThread, OutboxThreadData, ToOutboxThread } from "./outbox-thread.js";

const port = parentPort;
if (port === null) throw new Error("outbox-thread-main.ts runs as a worker thread (outbox-thread.ts starts it)");
const data = workerData as OutboxThreadData;
const post = (message: FromOutboxThread) => { port.postMessage(message); };

const handle = await openPropellerDatabase({ databaseUrl: data.databaseUrl, dataDir: "", clusterId: data.cluster });
const clients = connectAdmin(data.adminEndpoint);
const stop = new AbortController();
const sender = new OutboxSender({
  cluster: data.cluster,
  db: handle.db,
  store: new ExecutionStore(handle.db),
  admin: clients.admin,
  // Lines go to the main thread's logger, so they end up where the replica's other lines do.
  logger: createLogger({
    component: "propeller.outbox",
    level: data.logLevel,
    sink: (record) => { post({ type: "log", level: record.level, msg: record.msg, fields: plainFields(record.fields) }); },
  }),
  onDisowned: (key) => { post({ type: "disowned", key }); },
  idleMs: data.idleMs,
});
port.on("message", (message: ToOutboxThread) => {
  if (message === "wake") sender.wake();
  else stop.abort();
});
post({ type: "ready" });
try {
  await sender.loop().run(stop.signal);
} finally {
  clients.close();
  await handle.close();
  port.close();
}

/** Fields as the structured clone carries them: errors become their message and stack. */
function plainFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v instanceof Error ? { message: v.message, stack: v.stack } : v]));
}
