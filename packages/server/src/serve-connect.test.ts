import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { AdminService, DomainSchema } from "@skein/idl/admin/v1";
import http2 from "node:http2";
import { afterEach, describe, expect, it } from "vitest";
import { createErrorInterceptor } from "./error-interceptor.js";
import { createLogger, createMemorySink } from "./logger.js";
import { serveConnect, type ConnectServer } from "./serve-connect.js";
import { createValidationInterceptor } from "./validation-interceptor.js";

const servers: ConnectServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** `gate`, when given, holds every GetDomains until it resolves; `entered` fires as one arrives. */
async function start(hold?: { entered: () => void; gate: Promise<void> }): Promise<ConnectServer> {
  const logger = createLogger({ component: "test", sink: createMemorySink() });
  const server = await serveConnect({
    routes: (router) =>
      router.service(AdminService, {
        async getDomains() {
          if (hold) {
            hold.entered();
            await hold.gate;
          }
          return { domains: [create(DomainSchema, { id: "development", name: "Development" })] };
        },
        getProject(req) {
          throw new ConnectError(`project "${req.id}" not found`, Code.NotFound);
        },
      }),
    interceptors: [createErrorInterceptor(logger), createValidationInterceptor()],
  });
  servers.push(server);
  return server;
}

const transports: Record<string, (baseUrl: string) => Transport> = {
  "connect over HTTP/1.1": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
  "connect over HTTP/2": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "2" }),
  grpc: (baseUrl) => createGrpcTransport({ baseUrl }),
  "grpc-web over HTTP/1.1": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
  "grpc-web over HTTP/2": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "2" }),
};

describe("serveConnect", () => {
  it("listens on a free port and answers Connect JSON over plain HTTP/1.1", async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const response = await fetch(`${server.url}/skein.admin.v1.AdminService/GetDomains`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ domains: [{ id: "development", name: "Development" }] });
  });

  for (const [name, transport] of Object.entries(transports)) {
    it(`serves ${name} on the same port, errors and validation included`, async () => {
      const server = await start();
      const client = createClient(AdminService, transport(server.url));
      expect((await client.getDomains({})).domains.map((d) => d.id)).toEqual(["development"]);
      await expect(client.getProject({ id: "demo" })).rejects.toMatchObject({ code: Code.NotFound, rawMessage: 'project "demo" not found' });
      const invalid = await client.getProject({ id: "Not_A_Label" }).catch((e: unknown) => ConnectError.from(e));
      expect(invalid).toMatchObject({ code: Code.InvalidArgument });
      expect((invalid as ConnectError).rawMessage).toMatch(/^invalid skein\.admin\.v1\.GetProjectRequest: id: .*match/);
      const unimplemented = await client.listTasks({ project: "demo", domain: "development" }).catch((e: unknown) => ConnectError.from(e));
      expect(unimplemented).toMatchObject({ code: Code.Unimplemented });
      expect((unimplemented as ConnectError).rawMessage).toContain("skein.admin.v1.AdminService.ListTasks is not implemented");
    });
  }

  it("close() lets an open request finish, then resolves with no connection left", async () => {
    // Ordering, not timing: the open request is released only after close() began, and close()
    // must not resolve before that request has been answered.
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const server = await start({
      entered: () => {
        calls += 1;
        if (calls === 2) entered();
      },
      gate,
    });
    const client = createClient(AdminService, createGrpcTransport({ baseUrl: server.url }));
    const http1 = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const warmUp = http1.getDomains({}); // leaves an idle keep-alive connection behind once answered
    const events: string[] = [];
    const pending = client.getDomains({}).then((response) => {
      events.push("answered");
      return response;
    });
    await arrived;
    const closing = server.close().then(() => events.push("closed"));
    release();
    await warmUp;
    await closing;
    expect(events).toEqual(["answered", "closed"]);
    expect((await pending).domains).toHaveLength(1);
    await expect(fetch(`${server.url}/skein.admin.v1.AdminService/GetDomains`, { method: "POST" })).rejects.toThrow();
  });

  it("reports a port in use instead of hanging", async () => {
    const server = await start();
    await expect(serveConnect({ routes: () => undefined, port: server.port })).rejects.toThrow(/EADDRINUSE/);
  });

  it("hands requests for paths that are no RPC to the fallback, over HTTP/1.1 and HTTP/2, and still serves RPCs", async () => {
    const seen: string[] = [];
    const server = await serveConnect({
      routes: (router) => router.service(AdminService, { getDomains: () => ({ domains: [] }) }),
      fallback: (req, res) => {
        seen.push(`${req.method ?? ""} ${req.url ?? ""}`);
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end("from the fallback");
      },
    });
    servers.push(server);
    const page = await fetch(`${server.url}/console/index.html?x=1`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe("from the fallback");
    const h2 = http2.connect(server.url);
    const body = await new Promise<string>((resolve, reject) => {
      const stream = h2.request({ ":path": "/console/" });
      let text = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (text += chunk));
      stream.on("end", () => resolve(text));
      stream.on("error", reject);
    });
    h2.close();
    expect(body).toBe("from the fallback");
    const client = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    expect((await client.getDomains({})).domains).toEqual([]);
    expect(seen).toEqual(["GET /console/index.html?x=1", "GET /console/"]);
  });

  it("answers other paths with an empty 404 when there is no fallback", async () => {
    const server = await start();
    const response = await fetch(`${server.url}/console/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("");
  });
});
