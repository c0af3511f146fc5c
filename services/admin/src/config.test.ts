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

  it("reads local file roots as a PATH-like list, none by default, and refuses relative ones", () => {
    expect(loadAdminConfig({}, {}).localFileRoots).toEqual([]);
    expect(loadAdminConfig({}, { SKEIN_LOCAL_FILE_ROOTS: "/srv/data::/home/me/repo" }).localFileRoots).toEqual(["/srv/data", "/home/me/repo"]);
    expect(loadAdminConfig({ localFileRoots: ["/work"] }, { SKEIN_LOCAL_FILE_ROOTS: "/srv/data" }).localFileRoots).toEqual(["/work"]);
    try {
      loadAdminConfig({}, { SKEIN_LOCAL_FILE_ROOTS: "/srv/data:relative/dir" });
      expect.fail("expected a ConfigError");
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(["localFileRoots.1 (from SKEIN_LOCAL_FILE_ROOTS): must be an absolute path"]);
    }
  });
});
