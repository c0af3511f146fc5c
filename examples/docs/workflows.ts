// Workflows: node outputs, ordering, attribute paths and subworkflows.
//   npx skein run examples/docs/workflows.ts report --text "a b c"
import { t, task, workflow } from "@skein/sdk";

export const Stats = t.struct({ words: t.int(), longest: t.string(), lengths: t.list(t.int()) }, { title: "Stats" });

export const analyze = task(
  {
    name: "analyze",
    description: "Counts the words of a text.",
    inputs: { text: t.string().describe("the text to analyze") },
    outputs: Stats,
  },
  ({ text }) => {
    const words = text.split(/\s+/).filter((w) => w !== "");
    const longest = words.reduce((best, w) => (w.length > best.length ? w : best), "");
    return { words: words.length, longest, lengths: words.map((w) => w.length) };
  },
);

export const format = task(
  { name: "format", inputs: { words: t.int(), longest: t.string(), first: t.int() }, outputs: t.string() },
  ({ words, longest, first }) => `${words} words, longest "${longest}", first word has ${first} letters`,
);

export const announce = task({ name: "announce", inputs: { message: t.string() } }, ({ message }, ctx) => {
  ctx.log(message);
});

export const report = workflow(
  { name: "report", inputs: { text: t.string() }, outputs: t.string() },
  ({ text }) => {
    const started = announce({ message: "starting" });
    const stats = analyze({ text }).after(started);
    return format({ words: stats.get("words"), longest: stats.get("longest"), first: stats.get("lengths").at(0) });
  },
);

// A workflow is called inside another exactly like a task: it becomes one node.
export const compare = workflow(
  { name: "compare", inputs: { left: t.string(), right: t.string() }, outputs: { left: t.string(), right: t.string() } },
  ({ left, right }) => ({ left: report({ text: left }), right: report({ text: right }) }),
);
