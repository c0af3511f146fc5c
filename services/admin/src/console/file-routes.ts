import { Code, ConnectError } from "@connectrpc/connect";
import type { HttpHandler, Logger } from "@skein/server";
import { pipeline } from "node:stream/promises";
import type { FileAccess, ServedFile } from "../domain/file-access.js";
import type { ExecutionKey } from "../repositories/execution-repository.js";

/** Where the console's downloads live on admin's port, beside /console. */
export const fileRoutesBasePath = "/files";

type Request = Parameters<HttpHandler>[0];
type Response = Parameters<HttpHandler>[1];

// Formats whose media type is plain; anything else (html and svg included: they could run script
// on admin's origin) is a download of opaque bytes.
const formatTypes: Readonly<Record<string, string>> = {
  txt: "text/plain; charset=utf-8",
  text: "text/plain; charset=utf-8",
  log: "text/plain; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  tsv: "text/tab-separated-values; charset=utf-8",
  json: "application/json",
  jsonl: "application/jsonl",
  yaml: "application/yaml",
  yml: "application/yaml",
  parquet: "application/vnd.apache.parquet",
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  zip: "application/zip",
  gz: "application/gzip",
  tar: "application/x-tar",
};

/** The media type of a file value: from its declared format, else its name's extension, else opaque bytes. */
export function valueContentType(format: string, name: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1] ?? "";
  return formatTypes[format.toLowerCase()] ?? formatTypes[extension.toLowerCase()] ?? "application/octet-stream";
}

/** `attachment` or `inline` with the file name, ASCII-safe and in full (RFC 6266). */
export function contentDisposition(kind: "attachment" | "inline", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

class BadQuery extends Error {}

function required(query: URLSearchParams, field: string): string {
  const value = query.get(field);
  if (value === null || value === "") throw new BadQuery(`${field}: is required`);
  return value;
}

function executionOf(query: URLSearchParams): ExecutionKey {
  return { project: required(query, "project"), domain: required(query, "domain"), name: required(query, "execution") };
}

function sendText(response: Response, status: number, text: string): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" });
  response.end(`${text}\n`);
}

const statusOf: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.NotFound]: 404,
  [Code.PermissionDenied]: 403,
};

/**
 * `GET /files/value?project&domain&execution&node&io=inputs|outputs&var[&path=...]` streams a file
 * input or output of a node execution (each `path` a list index or map key, in order), as an
 * attachment; `GET /files/log?project&domain&execution&node&attempt&log` a log of one attempt, as
 * plain text shown inline. Both name what they serve by reference into recorded data, never by
 * uri. Answers 400 naming a bad or missing query field, 404 naming what is absent, 403 naming why
 * a uri is not readable here. The handler returns false, answering nothing, for other paths.
 */
export function fileRoutes(access: FileAccess, logger: Logger): (request: Request, response: Response) => boolean {
  const routes: Readonly<Record<string, (query: URLSearchParams) => Promise<{ served: ServedFile; disposition: string; type: string }>>> = {
    [`${fileRoutesBasePath}/value`]: async (query) => {
      const io = required(query, "io");
      if (io !== "inputs" && io !== "outputs") throw new BadQuery(`io: must be "inputs" or "outputs", got ${JSON.stringify(io)}`);
      const served = await access.valueFile({ execution: executionOf(query), nodeId: required(query, "node"), io, variable: required(query, "var"), path: query.getAll("path") });
      return { served, disposition: contentDisposition("attachment", served.file.name), type: valueContentType(served.format, served.file.name) };
    },
    [`${fileRoutesBasePath}/log`]: async (query) => {
      const attemptText = required(query, "attempt");
      if (!/^(0|[1-9][0-9]{0,8})$/.test(attemptText)) throw new BadQuery(`attempt: must be a retry attempt number (0, 1, ...), got ${JSON.stringify(attemptText)}`);
      const served = await access.logFile({ execution: executionOf(query), nodeId: required(query, "node"), attempt: Number(attemptText), log: required(query, "log") });
      return { served, disposition: contentDisposition("inline", served.file.name), type: "text/plain; charset=utf-8" };
    },
  };

  const serve = async (request: Request, response: Response, route: NonNullable<(typeof routes)[string]>, query: URLSearchParams) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { "Content-Type": "text/plain; charset=utf-8", Allow: "GET, HEAD" });
      response.end(`${request.method ?? ""} is not allowed here; use GET\n`);
      return;
    }
    let answer: Awaited<ReturnType<typeof route>>;
    try {
      answer = await route(query);
    } catch (error) {
      if (error instanceof BadQuery) {
        logger.warn("refused a file request", { url: request.url, status: 400, reason: error.message });
        sendText(response, 400, error.message);
        return;
      }
      const status = error instanceof ConnectError ? statusOf[error.code] : undefined;
      if (status === undefined || !(error instanceof ConnectError)) throw error;
      logger.warn("refused a file request", { url: request.url, status, reason: error.rawMessage });
      sendText(response, status, error.rawMessage);
      return;
    }
    const { served, disposition, type } = answer;
    const file = served.file;
    response.writeHead(200, {
      "Content-Type": type,
      "Content-Length": String(file.kind === "bytes" ? file.bytes.length : file.size),
      "Content-Disposition": disposition,
      "X-Content-Type-Options": "nosniff",
      // Whatever the bytes are, they run no script on admin's origin.
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "no-cache",
    });
    if (request.method === "HEAD") {
      if (file.kind === "stream") file.stream.destroy();
      response.end();
      return;
    }
    if (file.kind === "bytes") {
      response.end(file.bytes);
      return;
    }
    await pipeline(file.stream, response as NodeJS.WritableStream).catch((error: unknown) => {
      // The browser went away (or the file vanished mid-read): nothing left to answer.
      logger.debug("a file response ended early", { url: request.url, uri: served.uri, error });
      response.destroy();
    });
  };

  return (request, response) => {
    const url = request.url ?? "/";
    const mark = url.indexOf("?");
    const [pathname, search] = mark < 0 ? [url, ""] : [url.slice(0, mark), url.slice(mark + 1)];
    const route = routes[pathname];
    if (route === undefined) return false;
    serve(request, response, route, new URLSearchParams(search)).catch((error: unknown) => {
      logger.error("serving a file failed", { url: request.url, error });
      if (!response.headersSent) sendText(response, 500, "internal error");
      else response.destroy();
    });
    return true;
  };
}

/** Admin's answer to requests that are no RPC: the file routes, then `rest` (the console). */
export function withFileRoutes(files: ReturnType<typeof fileRoutes>, rest: HttpHandler): HttpHandler {
  return (request, response) => {
    if (!files(request, response)) rest(request, response);
  };
}
