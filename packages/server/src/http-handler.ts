import type http from "node:http";
import type http2 from "node:http2";

/**
 * Answers a plain HTTP request (HTTP/1.1 or HTTP/2) that is no RPC: the shape of Node's request
 * listeners, so one handler serves both servers.
 */
export type HttpHandler = (
  request: http.IncomingMessage | http2.Http2ServerRequest,
  response: http.ServerResponse | http2.Http2ServerResponse,
) => void;
