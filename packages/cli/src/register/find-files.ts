import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { UsageError } from "../run/args.js";

/** Name of the file that lists, one pattern a line, files under its directory not to register. */
export const IGNORE_FILE = ".skeinignore";

// `*` matches within one path segment, `**` across segments; a pattern without `/` matches a
// file name at any depth. Lines starting with `#` are comments.
function patternToRegExp(pattern: string): RegExp {
  const anchored = pattern.includes("/");
  const body = pattern
    .replace(/^\//, "")
    .split(/(\*\*\/?|\*|\?)/)
    .map((part) => {
      if (part === "**/") return "(?:.*/)?";
      if (part === "**") return ".*";
      if (part === "*") return "[^/]*";
      if (part === "?") return "[^/]";
      return part.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${anchored ? "" : "(?:.*/)?"}${body}$`);
}

function ignoreRules(dir: string): RegExp[] {
  const file = join(dir, IGNORE_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map(patternToRegExp);
}

function isSource(name: string): boolean {
  return name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.endsWith(".test.ts");
}

interface Scope {
  readonly dir: string;
  readonly rules: RegExp[];
}

function ignored(path: string, scopes: readonly Scope[]): boolean {
  return scopes.some((scope) => {
    const rel = relative(scope.dir, path).split(sep).join("/");
    return scope.rules.some((rule) => rule.test(rel));
  });
}

function walk(dir: string, scopes: readonly Scope[], found: string[]): void {
  const here = [...scopes, { dir, rules: ignoreRules(dir) }];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (ignored(path, here)) continue;
    if (entry.isDirectory()) walk(path, here, found);
    else if (entry.isFile() && isSource(entry.name)) found.push(path);
  }
}

/**
 * The TypeScript files to register: files named directly, and every `.ts` file under named
 * directories (recursively), leaving out tests (`*.test.ts`), declarations, `node_modules`,
 * dot-directories and what `.skeinignore` files list. Absolute paths, sorted, each once.
 */
export function findSourceFiles(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new UsageError("register: give at least one PATH (a .ts file or a directory)");
  const found = new Set<string>();
  for (const given of paths) {
    const path = resolve(given);
    if (!existsSync(path)) throw new UsageError(`PATH: ${given} does not exist`);
    const stat = statSync(path);
    if (stat.isDirectory()) {
      const files: string[] = [];
      walk(path, [], files);
      if (files.length === 0) throw new UsageError(`PATH: ${given} holds no .ts files to register`);
      for (const file of files) found.add(file);
    } else if (stat.isFile() && /\.(ts|mts)$/.test(path)) found.add(path);
    else throw new UsageError(`PATH: ${given} is not a .ts file or a directory`);
  }
  return [...found].sort();
}
