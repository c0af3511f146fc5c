import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { HttpHandler } from "./http-handler.js";
import type { Logger } from "./logger.js";

export interface StaticSiteOptions {
  /** URL path the site lives under, e.g. `/console`; requests outside it get a 404. */
  readonly basePath: string;
  /** Directory holding the built site (with `index.html`); undefined when there is none. */
  readonly root: string | undefined;
  /** Plain-text body of the 404 sent while `root` has no `index.html`. */
  readonly missingMessage: string;
  readonly logger?: Logger;
}

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

export function contentTypeOf(file: string): string {
  return contentTypes[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

type Response = Parameters<HttpHandler>[1];

function sendText(response: Response, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", ...headers });
  response.end(text);
}

/**
 * The file a URL path names inside `root`, or undefined when it would leave `root` (`..`, encoded
 * slashes or NUL bytes) or cannot be decoded.
 */
export function resolveInside(root: string, relative: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const segments = decoded.split("/");
  if (segments.some((s) => s === "..")) return undefined;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${path.posix.normalize(`/${decoded}`)}`);
  return file === base || file.startsWith(base + path.sep) ? file : undefined;
}

async function fileAt(file: string): Promise<{ size: number } | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? { size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves a single-page app's build under `basePath`: files with their content types, and
 * `index.html` for every other path below it so the app's own router can answer (a path whose last
 * segment has an extension is a missing file and gets a 404 instead). Hashed assets under
 * `assets/` are cached for good; `index.html` is revalidated on every load.
 */
export function staticSite(options: StaticSiteOptions): HttpHandler {
  const base = options.basePath.replace(/\/+$/, "");
  const serve = async (request: Parameters<HttpHandler>[0], response: Response) => {
    const url = (request.url ?? "/").split("?", 1)[0] ?? "/";
    if (url !== base && !url.startsWith(`${base}/`)) {
      sendText(response, 404, `nothing is served at ${url}\n`);
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      sendText(response, 405, `${request.method ?? ""} is not allowed here; use GET\n`, { Allow: "GET, HEAD" });
      return;
    }
    const root = options.root;
    const index = root === undefined ? undefined : path.join(root, "index.html");
    const indexFile = index === undefined ? undefined : await fileAt(index);
    if (root === undefined || index === undefined || indexFile === undefined) {
      sendText(response, 404, options.missingMessage);
      return;
    }
    const relative = url.slice(base.length).replace(/^\/+/, "");
    const target = relative === "" ? index : resolveInside(root, relative);
    if (target === undefined) {
      sendText(response, 400, "bad path\n");
      return;
    }
    let file = target;
    let found = await fileAt(file);
    if (found === undefined) {
      if (path.extname(relative) !== "") {
        sendText(response, 404, `${url} not found\n`);
        return;
      }
      file = index;
      found = indexFile;
    }
    const immutable = file !== index && relative.startsWith("assets/");
    response.writeHead(200, {
      "Content-Type": contentTypeOf(file),
      "Content-Length": String(found.size),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    });
    if (request.method === "HEAD") {
      response.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on("error", (error) => {
      options.logger?.warn("reading a static file failed", { file, error });
      response.destroy(error);
    });
    stream.pipe(response as NodeJS.WritableStream);
  };
  return (request, response) => {
    serve(request, response).catch((error: unknown) => {
      options.logger?.error("serving a static file failed", { url: request.url, error });
      if (!response.headersSent) sendText(response, 500, "internal error\n");
      else response.destroy();
    });
  };
}
