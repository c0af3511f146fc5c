/** Where a client finds admin when neither `--endpoint` nor SKEIN_ENDPOINT says otherwise. */
export const DEFAULT_ENDPOINT = "http://localhost:8088";

/** Raised for an endpoint that is not an http(s) URL; names where the value came from. */
export class EndpointError extends Error {
  constructor(readonly origin: string, value: string, problem: string) {
    super(`${origin}: "${value}" ${problem}`);
    this.name = "EndpointError";
  }
}

/**
 * Resolves admin's address: the explicit value (a flag) first, then SKEIN_ENDPOINT, then the
 * default. Returns the URL without a trailing slash.
 */
export function resolveEndpoint(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const [origin, value] =
    explicit !== undefined ? ["--endpoint", explicit] : env.SKEIN_ENDPOINT ? ["SKEIN_ENDPOINT", env.SKEIN_ENDPOINT] : ["default", DEFAULT_ENDPOINT];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EndpointError(origin, value, "is not a URL (expected e.g. http://localhost:8088)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new EndpointError(origin, value, "must use http:// or https://");
  }
  return url.toString().replace(/\/+$/, "");
}
