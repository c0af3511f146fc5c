import { ConfigError } from "@skein/server";
import { describe, expect, it } from "vitest";
import { loadAdminConfig } from "./config.js";

describe("admin config", () => {
  it("listens on loopback port 8088 with the three default domains when nothing is set", () => {
    const config = loadAdminConfig({}, {});
    expect(config).toMatchObject({ host: "127.0.0.1", port: 8088, domains: ["development", "staging", "production"] });
    expect(config.databaseUrl).toBeUndefined();
  });

  it("rejects a domain that is not a DNS label and a non-http router endpoint, together", () => {
    expect(() => loadAdminConfig({ domains: ["Prod"] }, { SKEIN_ROUTER_ENDPOINT: "ftp://router" })).toThrow(ConfigError);
    try {
      loadAdminConfig({ domains: ["Prod"] }, { SKEIN_ROUTER_ENDPOINT: "ftp://router" });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^routerEndpoint \(from SKEIN_ROUTER_ENDPOINT\): must be a URL with scheme http:\/\/ or https:\/\//),
        expect.stringMatching(/^domains\.0: must be a lowercase DNS label/),
      ]);
    }
  });
});
