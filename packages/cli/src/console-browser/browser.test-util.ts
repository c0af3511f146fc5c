import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** Where the browser tests put their screenshots (gitignored). */
export const screenshotDir = join(repoRoot, "packages", "cli", "test-output", "console");

export interface TestBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Headless Chromium from Debian's package, installed by scripts/ensure-chromium.mjs when missing,
 * with a fresh profile and everything that would reach the network on its own turned off.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  execFileSync(process.execPath, [join(repoRoot, "scripts", "ensure-chromium.mjs")], { stdio: ["ignore", "inherit", "inherit"] });
  const profile = await mkdtemp(join(tmpdir(), "skein-chromium-"));
  await mkdir(screenshotDir, { recursive: true });
  // Playwright passes the fresh profile as --user-data-dir itself.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
