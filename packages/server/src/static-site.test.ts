import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { serveConnect, type ConnectServer } from "./serve-connect.js";
import { resolveInside, staticSite } from "./static-site.js";

let root: string;
let outside: string;
const servers: ConnectServer[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "skein-static-"));
  root = path.join(dir, "site");
  outside = path.join(dir, "secret.txt");
  await mkdir(path.join(root, "assets"), { recursive: true });
  await writeFile(path.join(root, "index.html"), "<!doctype html><title>app</title>");
  await writeFile(path.join(root, "assets", "app-1234.js"), "console.log(1)");
  await writeFile(path.join(root, "assets", "app-1234.css"), "body{}");
  await writeFile(outside, "do not serve");
});
afterAll(async () => {
  await rm(path.dirname(root), { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(siteRoot: string | undefined): Promise<string> {
  const server = await serveConnect({ routes: () => undefined, fallback: staticSite({ basePath: "/console", root: siteRoot, missingMessage: "the console is not built\n" }) });
  servers.push(server);
  return server.url;
}

/** Sends a request line exactly as written (fetch would normalise `..` away). */
async function raw(url: string, target: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1", () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}

describe("staticSite", () => {
  it("serves files with their content types and caches hashed assets for good", async () => {
    const url = await serve(root);
    const js = await fetch(`${url}/console/assets/app-1234.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(await js.text()).toBe("console.log(1)");
    const css = await fetch(`${url}/console/assets/app-1234.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const index = await fetch(`${url}/console/`);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(await index.text()).toContain("<title>app</title>");
  });

  it("answers the app's own routes with index.html, and missing files with 404", async () => {
    const url = await serve(root);
    for (const route of ["/console", "/console/projects/p/domains/d/executions/abc", "/console/projects?tab=x"]) {
      const response = await fetch(`${url}${route}`);
      expect(response.status, route).toBe(200);
      expect(await response.text()).toContain("<title>app</title>");
    }
    const missing = await fetch(`${url}/console/assets/gone.js`);
    expect(missing.status).toBe(404);
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    const post = await fetch(`${url}/console/`, { method: "POST" });
    expect(post.status).toBe(405);
    const head = await fetch(`${url}/console/assets/app-1234.js`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("14");
  });

  it("never serves a file outside its root", async () => {
    const url = await serve(root);
    for (const target of ["/console/../secret.txt", "/console/assets/../../secret.txt", "/console/%2e%2e/secret.txt", "/console/..%2fsecret.txt", "/console/%00", "/console/%E0%A4%A"]) {
      const response = await raw(url, target);
      expect(response, target).not.toContain("do not serve");
      expect(response, target).toMatch(/^HTTP\/1\.1 (400|404)/);
    }
    expect(resolveInside(root, "assets/app-1234.js")).toBe(path.join(root, "assets", "app-1234.js"));
    expect(resolveInside(root, "../secret.txt")).toBeUndefined();
    expect(resolveInside(root, "a/%2e%2e/%2e%2e/secret.txt")).toBeUndefined();
    expect(resolveInside(root, "a\\..\\..\\secret.txt")).toBeUndefined();
  });

  it("says what is missing while the site is not built", async () => {
    for (const siteRoot of [undefined, path.join(root, "no-such-dir")]) {
      const url = await serve(siteRoot);
      const response = await fetch(`${url}/console/`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("the console is not built\n");
    }
  });
});
