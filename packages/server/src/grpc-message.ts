import type http2 from "node:http2";

/**
 * Re-encodes `grpc-message` the way the gRPC spec says: UTF-8, with only bytes outside printable
 * ASCII and `%` itself percent-encoded. Connect encodes every reserved character (`:` → `%3A`),
 * which grpc-js, decoding with `decodeURI`, then shows verbatim: `project.id%3A does not match`.
 */
export function grpcPercentEncode(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

type NodeHeaders = http2.OutgoingHttpHeaders;

function conform(headers: NodeHeaders | undefined): NodeHeaders | undefined {
  const value = headers?.["grpc-message"];
  if (headers === undefined || typeof value !== "string") return headers;
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    // Not percent-encoded after all: send it as it came, encoded once.
  }
  return { ...headers, "grpc-message": grpcPercentEncode(decoded) };
}

/** For a gRPC (not gRPC-Web) request, makes the response's status message readable to every gRPC client. */
export function conformGrpcStatusMessage(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void {
  const contentType = req.headers["content-type"] ?? "";
  if (!contentType.startsWith("application/grpc") || contentType.startsWith("application/grpc-web")) return;
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: NodeHeaders) => http2.Http2ServerResponse;
  const addTrailers = res.addTrailers.bind(res);
  res.writeHead = ((status: number, headers?: NodeHeaders) => writeHead(status, conform(headers))) as typeof res.writeHead;
  res.addTrailers = (headers) => {
    addTrailers(conform(headers) ?? headers);
  };
}
