// A mistake caught when the file loads, before anything runs: two nodes that wait for each other.
//   npx skein run examples/docs/broken.ts
import { t, workflow } from "@skein/sdk";
import { analyze, format } from "./workflows.js";

export const circular = workflow({ name: "circular", inputs: { text: t.string() }, outputs: t.string() }, ({ text }) => {
  const stats = analyze({ text });
  const line = format({ words: stats.get("words"), longest: stats.get("longest"), first: 0 });
  stats.after(line);
  return line;
});
