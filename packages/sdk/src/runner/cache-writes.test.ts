import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CatalogCacheStatus } from "@skein/idl";
import { afterAll, describe, expect, it } from "vitest";
import { task } from "../task/task.js";
import { literalTypeOf } from "../types/literal-type-of.js";
import { t } from "../types/t.js";
import { toLiteral } from "../types/to-literal.js";
import { runLocally } from "./run-local.js";

const dataDir = mkdtempSync(join(tmpdir(), "skein-cache-writes-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("runLocally cache writes", () => {
  it("are on disk when the run returns, so the next run hits them", async () => {
    let calls = 0;
    const square = task({ name: "square", inputs: { x: t.int() }, outputs: t.int(), cache: { version: "1" } }, ({ x }) => {
      calls += 1;
      return x * x;
    });
    const x = { x: toLiteral(12, literalTypeOf(t.int()), "x") };
    // The put is the very last decision of a one-task run: nothing else delays the return.
    for (let i = 0; i < 5; i++) {
      const statuses: CatalogCacheStatus[] = [];
      const run = await runLocally(square, x, { dataDir, onRecord: (r) => r.type === "node" && r.cacheStatus !== undefined && statuses.push(r.cacheStatus) });
      expect(run.outputs?.literals.o0).toBeDefined();
      expect(statuses).toEqual(i === 0 ? [CatalogCacheStatus.MISS, CatalogCacheStatus.POPULATED] : [CatalogCacheStatus.HIT]);
    }
    expect(calls).toBe(1);
  });
});
