import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningAdmin } from "@skein/admin";
import { afterAll, describe, expect, it } from "vitest";
import { serveAdmin } from "./serve-command.js";

const dataDir = mkdtempSync(join(tmpdir(), "skein-serve-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("skein serve admin", () => {
  it("serves ListProjects as JSON over Connect until stopped", async () => {
    const stop = new AbortController();
    let out = "";
    const listening = new Promise<RunningAdmin>((resolve) => {
      void serveAdmin({ port: "0", dataDir }, { out: (t) => (out += t), err: () => undefined, env: {}, abort: stop.signal, onListening: resolve }).then((code) => {
        expect(code).toBe(0);
      });
    });
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
  });

  it("exits 2 naming a bad port", async () => {
    let err = "";
    const code = await serveAdmin({ port: "99999", dataDir }, { out: () => undefined, err: (t) => (err += t), env: {} });
    expect(code).toBe(2);
    expect(err).toContain("port");
  });
});
