// The smallest Skein program: one task, one workflow that calls it.
//   npx skein run examples/hello.ts wf --name Ada     → Hello, Ada!
import { t, task, workflow } from "@skein/sdk";

export const say_hello = task(
  {
    name: "say_hello",
    description: "Greets someone by name.",
    inputs: { name: t.string().describe("who to greet") },
    outputs: t.string(),
  },
  async ({ name }) => `Hello, ${name}!`,
);

export const wf = workflow(
  {
    name: "wf",
    description: "Says hello.",
    inputs: { name: t.string().default("world").describe("who to greet") },
    outputs: t.string(),
  },
  ({ name }) => say_hello({ name }),
);
