import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemorySink } from "@skein/server";
import { afterAll, describe, expect, it } from "vitest";
import { serveAdmin } from "./serve-command.js";
import type { RunningService } from "./services.js";

const dataDir = mkdtempSync(join(tmpdir(), "skein-serve-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("skein serve admin", () => {
  it("serves ListProjects as JSON over Connect until stopped", async () => {
    const stop = new AbortController();
    let out = "";
    let started!: (service: RunningService) => void;
    const listening = new Promise<RunningService>((resolve) => (started = resolve));
    const exited = serveAdmin({ port: "0", dataDir }, { out: (t) => (out += t), err: () => undefined, env: {}, abort: stop.signal, onListening: started, logSink: createMemorySink() });
    const service = await listening;
    const response = await fetch(`${service.url}/skein.admin.v1.AdminService/ListProjects`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(out).toMatch(/^admin serving Connect, gRPC and gRPC-Web on http:\/\/127\.0\.0\.1:\d+ \(database: pglite\)/);
    stop.abort();
    expect(await exited).toBe(0);
    expect(out).toMatch(/\nadmin stopped\n$/);
  });

  it("exits 2 naming a bad port", async () => {
    let err = "";
    const code = await serveAdmin({ port: "99999", dataDir }, { out: () => undefined, err: (t) => (err += t), env: {} });
    expect(code).toBe(2);
    expect(err).toContain("port");
  });
});
