// The console on a 10,000-node execution, in headless Chromium: time to interactive of the
// execution page, and frame times while 100 node changes a second stream in. Run with `npm run bench`.
//   time to interactive: from navigation until every node is in the page and a click on a node
//     row has opened its details (so the main thread is free to answer input);
//   frame times: gaps between animation frames over ten seconds of live updates, plus the
//     longest main-thread task the browser reported.
import { performance } from "node:perf_hooks";
import { createBigExecution } from "../console-browser/big-execution.test-util.js";
import { launchBrowser } from "../console-browser/browser.test-util.js";
import { startTestAdmin } from "../remote/test-admin.test-util.js";
import { formatSummary, summarize } from "./percentiles.js";

const runs = Number(process.env.SKEIN_BENCH_RUNS ?? 5);
const nodes = 10_000;
const changesPerSecond = 100;
const updateSeconds = 10;

// Runs in the page (as source text, so the bundler that runs this file leaves it alone): records
// the gap before every animation frame, and the longest task the browser reports.
const frameRecorder = `(() => {
  window.frames_ = [];
  window.longest_ = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longest_ = Math.max(window.longest_, entry.duration);
  }).observe({ type: "longtask" });
  let last = performance.now();
  const tick = (now) => { window.frames_.push(now - last); last = now; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;

const admin = await startTestAdmin();
const browser = await launchBrowser();
try {
  const ttis: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const big = await createBigExecution(admin, nodes, `bench-${run}`);
    big.dispose();
    const page = await browser.newPage();
    const started = performance.now();
    await page.goto(`${admin.admin.url}/console/projects/default/domains/development/executions/${big.name}`);
    await page.waitForSelector(`[data-node-count="${nodes + 1}"]`, { timeout: 60_000 });
    const row = `${big.mapId}-1`;
    await page.locator(`[data-node-row="${row}"]`).click();
    await page.waitForSelector(`[data-node-details="${row}"]`);
    // The first run warms up the server and the browser's caches.
    if (run > 0) ttis.push(performance.now() - started);

    if (run === runs) {
      await page.evaluate(frameRecorder);
      const pending = [...big.running];
      const batch = changesPerSecond / 10;
      const until = performance.now() + updateSeconds * 1000;
      let sent = 0;
      while (performance.now() < until && pending.length > 0) {
        const tickStarted = performance.now();
        await big.finishChildren(pending.splice(0, batch));
        sent += batch;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (performance.now() - tickStarted))));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { frames, longest } = await page.evaluate<{ frames: number[]; longest: number }>("({ frames: window.frames_.slice(1), longest: window.longest_ })");
      const summary = summarize(frames);
      console.log(formatSummary(`console frame time, ${nodes} nodes, ${changesPerSecond} node changes/s for ${updateSeconds} s (${sent} changes)`, summary, 100));
      console.log(`console longest main-thread task during updates: ${longest.toFixed(0)}ms (target: no frame over 100 ms; worst frame ${summary.max.toFixed(0)}ms)`);
    }
    await page.close();
  }
  console.log(formatSummary(`console execution page time to interactive, ${nodes} nodes`, summarize(ttis), 2000));
} finally {
  await browser.close();
  await admin.close();
}
