import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { conformGrpcStatusMessage } from "./grpc-message.js";
import type { HttpHandler } from "./http-handler.js";
import type { Logger } from "./logger.js";

export interface ServeConnectOptions {
  /** Mounts the services, e.g. `(router) => router.service(AdminService, impl)`. */
  readonly routes: (router: ConnectRouter) => void;
  /** Interface to listen on; defaults to loopback. */
  readonly host?: string;
  /** Port to listen on; 0 (the default) asks the OS for a free one. */
  readonly port?: number;
  /** Applied to every RPC, outermost first. */
  readonly interceptors?: readonly Interceptor[];
  readonly logger?: Logger;
  /** How long close() lets open requests finish before cutting their connections; default 10 s. */
  readonly shutdownTimeoutMs?: number;
  /**
   * Answers every request whose path is no RPC of `routes` (a web app's files, say). Without it
   * such requests get an empty 404.
   */
  readonly fallback?: HttpHandler;
}

export interface ConnectServer {
  /** Base URL clients use, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets open requests finish, and resolves once every connection is closed. */
  close(): Promise<void>;
}

// Every HTTP/2 connection without TLS starts with this preface; no HTTP/1 method starts with "PRI ".
const h2Preface = Buffer.from("PRI ");

/**
 * Serves Connect, gRPC and gRPC-Web on one cleartext port. gRPC needs HTTP/2 (prior knowledge, as
 * grpc-js and `buf curl` speak it), while curl, browsers and gRPC-Web clients speak HTTP/1.1; Node's
 * cleartext HTTP/2 server cannot fall back to HTTP/1.1, so one TCP listener reads the first bytes
 * of each connection and hands it to an HTTP/2 or an HTTP/1.1 server accordingly.
 */
export async function serveConnect(options: ServeConnectOptions): Promise<ConnectServer> {
  const fallback = options.fallback;
  const handler = connectNodeAdapter({
    routes: options.routes,
    interceptors: [...(options.interceptors ?? [])],
    // connect-node narrows the response type of its fallback; the objects are Node's own.
    ...(fallback !== undefined ? { fallback: (req, res) => { fallback(req, res as unknown as Parameters<HttpHandler>[1]); } } : {}),
  });
  const h1 = http.createServer(handler);
  // Node clients drop idle keep-alive sockets after 5 s, the server's default too: with equal timers a
  // request sent on a socket the server is closing fails with ECONNRESET. The server waits longer, so
  // the client always closes first.
  h1.keepAliveTimeout = 65_000;
  h1.headersTimeout = 66_000;
  const h2 = http2.createServer((req, res) => {
    conformGrpcStatusMessage(req, res);
    handler(req, res);
  });
  const sockets = new Set<net.Socket>();
  const h2Sessions = new Set<http2.ServerHttp2Session>();
  const h1Active = new Map<net.Socket, number>();
  const h2Sockets = new Set<net.Socket>();
  let closing = false;

  h2.on("session", (session) => {
    h2Sessions.add(session);
    session.once("close", () => h2Sessions.delete(session));
    if (closing) session.close();
  });
  // HTTP/1.1 keeps connections alive between requests; count requests so close() ends idle ones.
  h1.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    h1Active.set(socket, (h1Active.get(socket) ?? 0) + 1);
    res.once("close", () => {
      const left = (h1Active.get(socket) ?? 1) - 1;
      h1Active.set(socket, left);
      if (closing && left === 0) socket.end();
    });
  });
  h1.on("clientError", (error, socket) => {
    options.logger?.debug("bad HTTP/1.1 request", { error });
    socket.destroy();
  });

  const route = (socket: net.Socket) => {
    const onReadable = () => {
      const head = socket.read(h2Preface.length) as Buffer | null;
      if (head === null) return;
      socket.off("readable", onReadable);
      socket.unshift(head);
      if (head.equals(h2Preface)) {
        h2Sockets.add(socket);
        socket.once("close", () => h2Sockets.delete(socket));
        h2.emit("connection", socket);
      } else {
        h1Active.set(socket, 0);
        socket.once("close", () => h1Active.delete(socket));
        h1.emit("connection", socket);
      }
    };
    socket.on("readable", onReadable);
  };
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // A reset connection must not crash the process; the HTTP servers report their own errors.
    socket.on("error", (error) => options.logger?.debug("connection error", { error }));
    if (closing) socket.destroy();
    else route(socket);
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(options.port ?? 0, host, () => {
      tcp.off("error", reject);
      resolve();
    });
  });
  const address = tcp.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  const url = `http://${net.isIPv6(host) ? `[${host}]` : host}:${address.port}`;
  options.logger?.info("listening", { url, protocols: "connect, grpc, grpc-web" });

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, options.shutdownTimeoutMs ?? 10_000);
      tcp.close(() => {
        clearTimeout(timer);
        resolve();
      });
      for (const session of h2Sessions) session.close();
      for (const socket of sockets) {
        const active = h1Active.get(socket);
        if (active === 0) socket.end();
        // Still being routed: nothing was read yet that deserves an answer.
        else if (active === undefined && !h2Sockets.has(socket)) socket.destroy();
      }
    });
    return closed;
  };
  return { url, port: address.port, close };
}
