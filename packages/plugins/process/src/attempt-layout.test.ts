import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readStateFile, writeFileWhole } from "./attempt-layout.js";

const dir = await mkdtemp(join(tmpdir(), "skein-attempt-layout-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("attempt files", () => {
  it("are replaced through a temporary file that does not stay behind", async () => {
    const file = join(dir, "tidy", "state.json");
    await mkdir(join(dir, "tidy"));
    writeFileWhole(file, '{"pid":1}');
    writeFileWhole(file, '{"pid":2}');
    expect(await readdir(join(dir, "tidy"))).toEqual(["state.json"]);
    expect(await readStateFile(file)).toEqual({ pid: 2 });
  });

  it("name the state file when it cannot be read as JSON, and read a missing one as an attempt never created", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, "");
    await expect(readStateFile(file)).rejects.toThrow(/^attempt state file .*broken\.json is not valid JSON \(0 bytes\)/);
    expect(await readStateFile(join(dir, "missing.json"))).toBeUndefined();
  });
});
