import { createInterface } from "node:readline/promises";
import { describeType } from "@skein/engine";
import type { Literal } from "@skein/idl";
import { parseCliValue, type SignalSource } from "@skein/sdk";
import { UsageError } from "./args.js";

/**
 * Gate values for a local run: from `--signal NAME=VALUE` first, else a prompt when stdin is a
 * terminal. Approvals take yes/no (true/false).
 */
export function cliSignals(preset: ReadonlyMap<string, string>, prompt: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; interactive: boolean }): SignalSource {
  return {
    async wait({ signalId, valueType, approval, signal }): Promise<Literal> {
      const given = preset.get(signalId);
      if (given !== undefined) return parseCliValue(given, valueType, `signal ${signalId}`);
      if (!prompt.interactive) {
        throw new UsageError(`gate "${signalId}" is waiting for a value: pass --signal ${signalId}=${approval ? "true" : "VALUE"}`);
      }
      const rl = createInterface({ input: prompt.input, output: prompt.output });
      try {
        for (;;) {
          const question = approval ? `approve "${signalId}"? [yes/no] ` : `value for signal "${signalId}" (${describeType(valueType)}): `;
          const answer = (await rl.question(question, { signal })).trim();
          try {
            return parseCliValue(answer, valueType, `signal ${signalId}`);
          } catch (error) {
            prompt.output.write(`${error instanceof Error ? error.message : String(error)}\n`);
          }
        }
      } finally {
        rl.close();
      }
    },
  };
}
