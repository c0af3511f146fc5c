// Container tasks: any command in any image, exchanging values with Skein through files.
//   npx skein run examples/docs/container.ts count_words --file examples/docs/data/words.txt
import { containerTask, t, workflow } from "@skein/sdk";

export const word_count = containerTask({
  name: "word_count",
  image: "busybox:1.36",
  inputs: { text: t.file("txt"), label: t.string() },
  outputs: { words: t.int(), lines: t.int(), label: t.string() },
  command: [
    "sh",
    "-c",
    "wc -w < {{.inputs.text}} > {{.outputDir}}/words && " +
      "wc -l < {{.inputs.text}} > {{.outputDir}}/lines && " +
      "cp {{.inputDir}}/label {{.outputDir}}/label",
  ],
  env: { LC_ALL: "C" },
  retries: 1,
});

export const count_words = workflow(
  { name: "count_words", inputs: { file: t.file("txt") }, outputs: { words: t.int(), lines: t.int(), label: t.string() } },
  ({ file }) => word_count({ text: file, label: "words.txt" }),
);
