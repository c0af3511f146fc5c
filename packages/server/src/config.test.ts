import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, parseConfig } from "./config.js";
import { serviceConfigShape, serviceEnvBindings } from "./service-config.js";

const schema = z.object(serviceConfigShape(8088));
const env = serviceEnvBindings("SKEIN_ADMIN");

describe("parseConfig", () => {
  it("starts from defaults alone", () => {
    const config = parseConfig("admin", schema, { env, source: {} });
    expect(config).toMatchObject({ host: "127.0.0.1", port: 8088, dataDir: ".skein", logLevel: "info" });
    expect(config.databaseUrl).toBeUndefined();
  });

  it("reads environment variables and lets overrides win", () => {
    const config = parseConfig("admin", schema, {
      env,
      source: { SKEIN_ADMIN_PORT: "9000", DATABASE_URL: "postgres://u@db:5432/skein", SKEIN_ADMIN_HOST: "0.0.0.0" },
      overrides: { host: "::1" },
    });
    expect(config).toMatchObject({ port: 9000, databaseUrl: "postgres://u@db:5432/skein", host: "::1" });
  });

  it("reports every violation together, naming key, variable and problem", () => {
    const attempt = () =>
      parseConfig("admin", schema, {
        env,
        source: { SKEIN_ADMIN_PORT: "70000", DATABASE_URL: "mysql://db/x", SKEIN_LOG_LEVEL: "loud" },
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems[0]).toMatch(/^port \(from SKEIN_ADMIN_PORT\): /);
      expect(problems.find((p) => p.startsWith("databaseUrl"))).toMatch(/from DATABASE_URL.*postgres:\/\//);
      expect(problems.find((p) => p.startsWith("logLevel"))).toMatch(/from SKEIN_LOG_LEVEL/);
      expect((error as Error).message).toContain("invalid admin configuration");
    }
  });

  it("names an override by key alone", () => {
    expect(() => parseConfig("admin", schema, { env, source: {}, overrides: { port: -1 } })).toThrow(/^invalid admin configuration:\n {2}- port: /);
  });
});
