import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAdmin, type TestAdmin } from "../remote/test-admin.test-util.js";
import { createBigExecution, type BigExecution } from "./big-execution.test-util.js";
import { launchBrowser, screenshot, type TestBrowser } from "./browser.test-util.js";
import { startSandbox, type TestSandbox } from "./sandbox.test-util.js";

// The console in a real browser against real services: the sandbox runs the workflows on its
// clusters; a separate admin holds a 10,000-node execution reported through its event API.

// Fixture code lives inside the repository so that it resolves @skein/sdk like user code does.
const scratch = mkdtempSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".test-console-"));
const gatedFile = join(scratch, "gated.ts");
writeFileSync(gatedFile, [
  `import { approve, t, task, workflow } from "@skein/sdk";`,
  `export const greet = task({ name: "greet", inputs: { who: t.string() }, outputs: t.string() }, async ({ who }) => \`Hi, \${who}!\`);`,
  `export const gated = workflow({ name: "gated", inputs: { who: t.string() }, outputs: t.string() }, ({ who }) => {`,
  `  const greeting = greet({ who });`,
  `  approve("ship", { after: greeting });`,
  `  return greeting;`,
  `});`,
  "",
].join("\n"));

const domainPath = "/console/projects/default/domains/development";

let sandbox: TestSandbox;
let browser: TestBrowser;
beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandbox(), launchBrowser()]);
  const registered = await sandbox.skein("register", gatedFile, "--version", "g1");
  expect(registered.code, registered.err).toBe(0);
}, 180_000);
afterAll(async () => {
  await (browser as TestBrowser | undefined)?.close();
  await (sandbox as TestSandbox | undefined)?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Fills the launch form's `field` and launches; resolves on the new execution's page. */
async function launch(page: Page, path: string, inputs: Record<string, string>): Promise<string> {
  await page.goto(`${sandbox.url}${path}`);
  for (const [name, value] of Object.entries(inputs)) await page.fill(`#input-${name}`, value);
  await page.getByRole("button", { name: "Launch" }).click();
  await page.waitForURL(/\/executions\/[a-z0-9-]+$/);
  return page.url().split("/").pop() ?? "";
}

describe("the console in a browser", () => {
  it("launches hello world from its launch plan's form, watches it succeed live and shows the node's outputs", { timeout: 90_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${sandbox.url}${domainPath}/launch-plans/wf`);
    // The default from the interface is filled in.
    expect(await page.inputValue("#input-name")).toBe("world");
    const name = await launch(page, `${domainPath}/launch-plans/wf`, { name: "Browser" });
    expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
    await page.waitForSelector('section.execution[data-phase="SUCCEEDED"]', { timeout: 60_000 });
    await page.waitForSelector('.graph-node[data-tone="succeeded"]');
    await page.locator('[data-node-row="n0"]').click();
    await expect.poll(() => page.locator('[aria-label="outputs"]').innerText(), { timeout: 30_000 }).toContain("Hello, Browser!");
    await expect.poll(() => page.locator('[data-node-details="n0"]').innerText(), { timeout: 30_000 }).toContain("SUCCEEDED");
    await screenshot(page, "launched-and-succeeded");
    await page.close();
  });

  it("approves a gate and the run finishes", { timeout: 90_000 }, async () => {
    const page = await browser.newPage();
    await launch(page, `${domainPath}/workflows/gated`, { who: "gate" });
    await page.getByRole("button", { name: /^signals/ }).click();
    const approve = page.locator('[data-signal="ship"]').getByRole("button", { name: "Approve" });
    await approve.waitFor({ timeout: 60_000 });
    await screenshot(page, "gate-waiting");
    await approve.click();
    await page.waitForSelector('section.execution[data-phase="SUCCEEDED"]', { timeout: 60_000 });
    await expect.poll(() => page.locator('[data-signal="ship"]').innerText(), { timeout: 30_000 }).toContain("true");
    await screenshot(page, "gate-approved");
    await page.close();
  });

  it("terminates a run waiting at its gate", { timeout: 90_000 }, async () => {
    const page = await browser.newPage();
    await launch(page, `${domainPath}/workflows/gated`, { who: "stop" });
    await page.getByRole("button", { name: /^signals/ }).click();
    await page.locator('[data-signal="ship"]').getByRole("button", { name: "Approve" }).waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Terminate" }).click();
    await page.fill('[aria-label="termination cause"]', "not today");
    await page.getByRole("button", { name: "Confirm terminate" }).click();
    await page.waitForSelector('section.execution[data-phase="ABORTED"]', { timeout: 60_000 });
    expect(await page.locator("section.execution").innerText()).toContain("Terminated: not today");
    await screenshot(page, "terminated");
    await page.close();
  });
});

describe("a 10,000-node execution in the browser", () => {
  let admin: TestAdmin;
  let big: BigExecution;
  beforeAll(async () => {
    admin = await startTestAdmin();
    big = await createBigExecution(admin, 10_000);
  }, 120_000);
  afterAll(async () => {
    (big as BigExecution | undefined)?.dispose();
    await (admin as TestAdmin | undefined)?.close();
  });

  it("refuses a launch input that does not fit its type, naming the field", { timeout: 90_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${admin.admin.url}${domainPath}/workflows/fan`);
    await page.fill("#input-xs", '[1, "two"]');
    await page.getByRole("button", { name: "Launch" }).click();
    await expect.poll(() => page.locator(".problem").innerText(), { timeout: 30_000 }).toContain('xs[1]: must be a whole number, not "two"');
    expect(page.url()).toMatch(/\/workflows\/fan$/);
    await screenshot(page, "launch-form-error");
    await page.close();
  });

  it("opens with the map summarised by phase, lists every node and follows live changes", { timeout: 90_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${admin.admin.url}${domainPath}/executions/${big.name}`);
    await page.waitForSelector('[data-node-count="10001"]', { timeout: 60_000 });
    expect(await page.locator('[aria-label="nodes"]').getAttribute("data-rows")).toBe("10001");
    // Only the rows in view are in the document.
    expect(await page.locator("[data-node-row]").count()).toBeLessThan(100);
    const mapNode = page.locator(`.graph-node[data-node="${big.mapId}"]`);
    await expect.poll(() => mapNode.textContent(), { timeout: 30_000 }).toMatch(/6666✓ 3334▶/);
    await big.finishChildren(big.running.slice(0, 334));
    await expect.poll(() => mapNode.textContent(), { timeout: 30_000 }).toMatch(/7000✓ 3000▶/);
    await page.locator('[aria-label="nodes"]').evaluate((list: { scrollTop: number; scrollHeight: number }) => { list.scrollTop = list.scrollHeight; });
    // Scrolled to the end, the list still holds only the rows in view.
    await expect.poll(() => page.locator("[data-node-row]").count(), { timeout: 30_000 }).toBeLessThan(100);
    const last = `${big.mapId}-9999`;
    await page.fill('[aria-label="search nodes"]', last);
    await page.locator(`[data-node-row="${last}"]`).click();
    await page.waitForSelector(`[data-node-details="${last}"]`);
    await screenshot(page, "ten-thousand-nodes");
    await page.close();
  });
});

it("downloads a task's file input and opens its local log from the node's details", { timeout: 120_000 }, async () => {
  // Under the directory the sandbox started in, one of admin's local file roots there.
  const doc = join(scratch, "words.txt");
  writeFileSync(doc, "one\ntwo\nthree\n");
  mkdirSync(join(scratch, "notes"), { recursive: true });
  const typesFile = fileURLToPath(new URL("../../../../examples/docs/types.ts", import.meta.url));
  const run = await sandbox.skein("run", "--remote", typesFile, "inspect_files", "--doc", doc, "--folder", join(scratch, "notes"));
  expect(run.code, run.err).toBe(0);
  const page = await browser.newPage();
  await page.goto(`${sandbox.url}${domainPath}/executions/${run.out.trim()}`);
  await page.waitForSelector('section.execution[data-phase="SUCCEEDED"]', { timeout: 90_000 });
  // A task run on its own is drawn as its one node (its workflow is never registered).
  await page.waitForSelector('g.graph-node[data-node="n0"][data-tone="succeeded"]');
  expect(await page.getByText("Could not load the workflow").count()).toBe(0);
  await page.locator('[data-node-row="n0"]').click();
  const details = page.locator('[data-node-details="n0"]');
  const link = details.getByRole("link", { name: "download" }).first();
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toBe("words.txt");
  expect(readFileSync(await download.path(), "utf8")).toBe("one\ntwo\nthree\n");
  const log = details.locator('a[data-log="stdout"]').first();
  await log.waitFor({ timeout: 30_000 });
  const href = await log.getAttribute("href");
  expect(href).toMatch(/^\/files\/log\?/);
  const opened = await page.evaluate(async (url) => { const r = await fetch(url); return { status: r.status, type: r.headers.get("content-type") }; }, href ?? "");
  expect(opened).toEqual({ status: 200, type: "text/plain; charset=utf-8" });
  await screenshot(page, "file-download");
  await page.close();
});
