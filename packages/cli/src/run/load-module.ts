import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

/** A user file that cannot be loaded; `usage` marks the user's mistake (exit 2) versus a crash. */
export class ModuleLoadError extends Error {
  constructor(
    message: string,
    readonly usage: boolean,
  ) {
    super(message);
    this.name = "ModuleLoadError";
  }
}

let registered: (() => Promise<void>) | undefined;

/**
 * Loads a TypeScript (or JavaScript) file directly, with no build step for the user: the file and
 * everything it imports are compiled on the fly. Returns the module's exports.
 */
export async function loadUserModule(file: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ModuleLoadError(`FILE: ${file} does not exist`, true);
  if (!statSync(path).isFile()) throw new ModuleLoadError(`FILE: ${file} is not a file`, true);
  // One loader for the whole process, so the user's `@skein/sdk` is the very module the CLI loaded
  // (one copy in memory, shared classes) rather than a second, isolated copy.
  registered ??= register();
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new ModuleLoadError(`could not load ${file}:\n${reason}`, false);
  }
}
