// Gates: wait for an approval, a typed signal, or some time.
//   npx skein run examples/docs/gates.ts release --version 1.2.0 --signal ship=true --signal notes="Faster builds"
import { approve, sleep, t, task, waitForSignal, workflow } from "@skein/sdk";

export const build = task({ name: "build", inputs: { version: t.string() }, outputs: t.string() }, ({ version }) => `app-${version}.tgz`);

export const publish = task(
  { name: "publish", inputs: { artifact: t.string(), notes: t.string() }, outputs: t.string() },
  ({ artifact, notes }) => `published ${artifact}: ${notes}`,
);

export const release = workflow(
  { name: "release", inputs: { version: t.string() }, outputs: t.string() },
  ({ version }) => {
    const artifact = build({ version });
    const shipIt = approve("ship", { after: artifact, timeout: "1h" });
    const notes = waitForSignal("notes", t.string(), { after: shipIt });
    const settle = sleep("100ms", { after: shipIt });
    return publish({ artifact, notes }).after(settle);
  },
);
