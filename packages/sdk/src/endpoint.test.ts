import { describe, expect, it } from "vitest";
import { DEFAULT_ENDPOINT, EndpointError, resolveEndpoint } from "./endpoint.js";

describe("resolveEndpoint", () => {
  it("prefers the flag, then SKEIN_ENDPOINT, then the default", () => {
    expect(resolveEndpoint("https://admin.example:443/", { SKEIN_ENDPOINT: "http://env:1" })).toBe("https://admin.example");
    expect(resolveEndpoint(undefined, { SKEIN_ENDPOINT: "http://env:9000" })).toBe("http://env:9000");
    expect(resolveEndpoint(undefined, {})).toBe(DEFAULT_ENDPOINT);
  });

  it("names the source of a bad value and the problem", () => {
    expect(() => resolveEndpoint("localhost 8088", {})).toThrow('--endpoint: "localhost 8088" is not a URL');
    expect(() => resolveEndpoint(undefined, { SKEIN_ENDPOINT: "grpc://x:1" })).toThrow(EndpointError);
    expect(() => resolveEndpoint(undefined, { SKEIN_ENDPOINT: "grpc://x:1" })).toThrow('SKEIN_ENDPOINT: "grpc://x:1" must use http:// or https://');
  });
});
