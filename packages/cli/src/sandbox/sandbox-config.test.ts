import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSandboxConfig } from "./sandbox-config.js";

describe("loadSandboxConfig", () => {
  it("lets the console download local files under the data directory and the directory it started in", () => {
    const config = loadSandboxConfig({ dataDir: "some/data" }, { SKEIN_LOCAL_FILE_ROOTS: "/elsewhere" });
    expect(config.admin.localFileRoots).toEqual([resolve("some/data"), process.cwd()]);
  });
});
