import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, type Literal, type LiteralType } from "@skein/idl";
import { inputArgText, inputFileText, parseOutputFile } from "../task/container-protocol.js";
import type { AttemptResult, TaskInvoker } from "./drive.js";

/** A container task's process failed; carries its exit status and the end of its stderr. */
export class ContainerTaskError extends Error {
  override name = "ContainerTaskError";
}

const tailBytes = 4000;

/**
 * Runs a container task's command as a local process, following the files protocol of
 * `task/container-protocol.ts`. Locally the image is not pulled: the command runs on this machine,
 * so it must exist here (a cluster runs it in the image).
 */
export class ContainerProcessInvoker implements TaskInvoker {
  async run(request: Parameters<TaskInvoker["run"]>[0]): Promise<AttemptResult> {
    const { task, inputs, signal } = request;
    const container = task.target.case === "container" ? task.target.value : undefined;
    if (!container || container.command.length === 0) throw new ContainerTaskError(`task "${task.id?.name ?? ""}" has no command`);
    const scratch = await mkdtemp(join(tmpdir(), "skein-task-"));
    const inputDir = join(scratch, "inputs");
    const outputDir = join(scratch, "outputs");
    try {
      await mkdir(inputDir);
      await mkdir(outputDir);
      const inputTypes = task.interface?.inputs?.variables ?? {};
      const args = new Map<string, string>();
      for (const [name, variable] of Object.entries(inputTypes)) {
        const literal = inputs.literals[name];
        if (!literal || !variable.type) continue;
        await writeFile(join(inputDir, name), inputFileText(literal, variable.type));
        args.set(name, inputArgText(literal, variable.type));
      }
      const substitute = (part: string) =>
        part.replace(/\{\{\s*\.(inputs\.([A-Za-z_][A-Za-z0-9_]*)|inputDir|outputDir)\s*\}\}/g, (_, what: string, input: string | undefined) =>
          input !== undefined ? (args.get(input) ?? "") : what === "inputDir" ? inputDir : outputDir,
        );
      const [command = "", ...rest] = [...container.command, ...container.args].map(substitute);
      const env = Object.fromEntries(container.env.map((kv) => [kv.key, kv.value]));
      await runProcess(command, rest, { ...process.env, ...env }, signal);
      const outputs: Record<string, Literal> = {};
      for (const [name, variable] of Object.entries(task.interface?.outputs?.variables ?? {})) {
        outputs[name] = await readOutput(outputDir, name, variable.type);
      }
      return { outputs: create(LiteralMapSchema, { literals: outputs }) };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

async function readOutput(dir: string, name: string, type: LiteralType | undefined): Promise<Literal> {
  if (!type) throw new ContainerTaskError(`output "${name}" has no type`);
  let text: string;
  try {
    text = await readFile(join(dir, name), "utf8");
  } catch {
    throw new ContainerTaskError(`the command did not write output "${name}" to {{.outputDir}}/${name}`);
  }
  return parseOutputFile(text, type, name);
}

function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "inherit", "pipe"], signal });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-tailBytes);
      process.stderr.write(chunk);
    });
    child.once("error", (error) => { reject(new ContainerTaskError(`could not run ${command}: ${error.message}`)); });
    child.once("close", (code, killedBy) => {
      if (code === 0) resolve();
      else reject(new ContainerTaskError(`${command} exited with ${killedBy ? `signal ${killedBy}` : `code ${code ?? "?"}`}${stderr ? `:\n${stderr.trimEnd()}` : ""}`));
    });
  });
}
