import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL(".", import.meta.url));
const barrels: Record<string, string> = {
  core: "index.ts",
  admin: "admin-v1.ts",
  datacatalog: "datacatalog-v1.ts",
  router: "router-v1.ts",
  connector: "connector-v1.ts",
};

describe("package exports", () => {
  it("re-exports every generated module from its package's entry point", () => {
    const areas = readdirSync(`${src}/gen/skein`).sort();
    expect(areas).toEqual(Object.keys(barrels).sort());
    for (const area of areas) {
      const barrel = readFileSync(`${src}/${barrels[area]!}`, "utf8");
      for (const file of readdirSync(`${src}/gen/skein/${area}/v1`)) {
        expect(barrel, `${barrels[area]!} must export ${file}`).toContain(`./gen/skein/${area}/v1/${file.replace(/\.ts$/, ".js")}`);
      }
    }
  });

  it("serves each service package under its own subpath", async () => {
    const admin = await import("@skein/idl/admin/v1");
    const router = await import("@skein/idl/router/v1");
    expect(admin.AdminService.typeName).toBe("skein.admin.v1.AdminService");
    expect(router.ClusterRouterService.typeName).toBe("skein.router.v1.ClusterRouterService");
  });
});
