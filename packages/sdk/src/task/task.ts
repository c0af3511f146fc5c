import type { Shape } from "../types/interface.js";
import type { InputValues, NoInputs, Outputs, OutputValues } from "../workflow/entity.js";
import { contextFrom, type TaskContext } from "./context.js";
import { defineTask, type TaskDefinition, type TaskOptions } from "./define.js";
import { decodeInputs, encodeOutputs } from "./io.js";

/** The function of a task: typed inputs in, outputs (one value, or an object of named outputs) out. */
export type TaskFunction<I extends Shape, O extends Outputs> = (inputs: InputValues<I>, ctx: TaskContext) => OutputValues<O> | Promise<OutputValues<O>>;

/**
 * Defines a task run by the TypeScript runtime. Inputs reach `fn` validated by their schemas;
 * what `fn` returns is validated against `outputs`. Errors `fn` throws fail the attempt and are
 * retried while `retries` allow, except NonRetryableError, which fails the task at once.
 *
 * ```ts
 * export const greet = task(
 *   { name: "greet", inputs: { name: t.string() }, outputs: t.string(), retries: 2 },
 *   async ({ name }) => `Hello, ${name}!`,
 * );
 * ```
 */
export function task<I extends Shape = NoInputs, O extends Outputs = undefined>(options: TaskOptions<I, O>, fn: TaskFunction<I, O>): TaskDefinition<I, O> {
  if (typeof fn !== "function") throw new TypeError(`task "${options.name}": the second argument must be the task function`);
  return defineTask(options, {
    type: "typescript",
    execute: async (definition, inputs, runtime) => {
      const values = decodeInputs(definition, inputs) as InputValues<I>;
      const returned = await fn(values, contextFrom(runtime));
      return { outputs: encodeOutputs(definition, returned) };
    },
  });
}
