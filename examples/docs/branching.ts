// Conditionals: when / elif / else / fail, with and/or.
//   npx skein run examples/docs/branching.ts grade --score 0.95
import { and, or, t, task, when, workflow } from "@skein/sdk";

export const praise = task({ name: "praise", inputs: { score: t.float() }, outputs: t.string() }, ({ score }) => `excellent (${score})`);
export const pass = task({ name: "pass", inputs: { score: t.float() }, outputs: t.string() }, ({ score }) => `passed (${score})`);
export const retake = task({ name: "retake", outputs: t.string() }, () => "please retake the exam");

export const grade = workflow(
  { name: "grade", inputs: { score: t.float(), bonus: t.boolean().default(false) }, outputs: t.string() },
  ({ score, bonus }) =>
    when(score.gte(0.9))
      .then(() => praise({ score }))
      .elif(or(score.gte(0.5), and(bonus, score.gte(0.4))), () => pass({ score }))
      .else(() => retake({})),
);

export const strict = workflow(
  { name: "strict", inputs: { score: t.float() }, outputs: t.string() },
  ({ score }) =>
    when(score.gte(0.5))
      .then(() => pass({ score }))
      .fail("score below 0.5"),
);
