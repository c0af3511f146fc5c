import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadClusterConfig, loadSandboxConfig, sandboxClusters } from "./sandbox-config.js";

describe("loadSandboxConfig", () => {
  it("lets the console download local files under the data directory and the directory it started in", () => {
    const config = loadSandboxConfig({ dataDir: "some/data" }, { SKEIN_LOCAL_FILE_ROOTS: "/elsewhere" });
    expect(config.admin.localFileRoots).toEqual([resolve("some/data"), process.cwd()]);
  });
});

describe("loadClusterConfig", () => {
  it("keeps plugin quotas in the propeller's memory even with REDIS_URL set, and still checks the control plane's REDIS_URL", () => {
    const env = { REDIS_URL: "redis://127.0.0.1:6399" };
    const cluster = sandboxClusters[0];
    if (cluster === undefined) throw new Error("the sandbox has no cluster");
    expect(loadClusterConfig(cluster, "http://127.0.0.1:8088", "data", env).redisUrl).toBeUndefined();
    expect(loadSandboxConfig({}, env).admin.redisUrl).toBe("redis://127.0.0.1:6399");
  });
});
