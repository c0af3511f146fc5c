import { DataLoadingFormat } from "@skein/idl";
import { DefinitionError } from "../definition-error.js";
import type { Shape } from "../types/interface.js";
import type { NoInputs, Outputs } from "../workflow/entity.js";
import { placeholderProblems } from "./container-protocol.js";
import { defineTask, type TaskDefinition, type TaskOptions } from "./define.js";

/** Where inputs and outputs live inside the container (the runner may substitute other directories). */
export const CONTAINER_INPUT_DIR = "/var/skein/inputs";
export const CONTAINER_OUTPUT_DIR = "/var/skein/outputs";

export interface ContainerTaskOptions<I extends Shape, O extends Outputs> extends TaskOptions<I, O> {
  /** The image to run. Required. */
  readonly image: string;
  /** The entrypoint and its arguments; may use `{{.inputs.<name>}}`, `{{.inputDir}}`, `{{.outputDir}}`. */
  readonly command: readonly string[];
  /** Further arguments, templated like `command`. */
  readonly args?: readonly string[];
}

/**
 * Defines a task that runs a command in a container image, with no function and no Skein SDK in
 * the image. Inputs arrive as files under `{{.inputDir}}`, outputs are read from files under
 * `{{.outputDir}}` (one file per name, JSON values: see container-protocol.ts).
 */
export function containerTask<I extends Shape = NoInputs, O extends Outputs = undefined>(options: ContainerTaskOptions<I, O>): TaskDefinition<I, O> {
  const owner = `task "${options.name}"`;
  if (typeof options.image !== "string" || options.image === "") throw new DefinitionError(`${owner}: image: a container task needs an image`);
  if (!Array.isArray(options.command) || options.command.length === 0 || !options.command.every((part) => typeof part === "string")) {
    throw new DefinitionError(`${owner}: command: expected a non-empty list of strings`);
  }
  const inputs = Object.keys(options.inputs ?? {});
  const parts = [...options.command.map((p, i) => [`command[${i}]`, p] as const), ...(options.args ?? []).map((p, i) => [`args[${i}]`, p] as const)];
  for (const [where, text] of parts) {
    const [problem] = placeholderProblems(text, inputs);
    if (problem) throw new DefinitionError(`${owner}: ${where}: ${problem}`);
  }
  return defineTask(options, {
    type: "container",
    extraOptions: ["command", "args"],
    container: (base) => ({
      ...base,
      image: options.image,
      command: [...options.command],
      args: [...(options.args ?? [])],
      dataConfig: { enabled: true, inputPath: CONTAINER_INPUT_DIR, outputPath: CONTAINER_OUTPUT_DIR, format: DataLoadingFormat.JSON },
    }),
  });
}
