import { dirname, isAbsolute, relative, sep } from "node:path";
import { build, type Message } from "esbuild";
import { codeBundle, type ArchiveEntry, type CodeBundle } from "@skein/sdk";

/** Name of the file inside every bundle that lists its modules. */
export const BUNDLE_MANIFEST = "skein-bundle.json";

/** Code that could not be bundled; the messages name files and lines. */
export class BundleError extends Error {
  override name = "BundleError";
}

/** A bundle plus, for each source file, the path of its module inside the bundle. */
export interface SourceBundle {
  readonly bundle: CodeBundle;
  readonly modules: ReadonlyMap<string, string>;
  /** The directory module paths are relative to. */
  readonly root: string;
}

/** The deepest directory that holds every file. */
export function commonRoot(files: readonly string[]): string {
  const inside = (dir: string, file: string) => {
    const rel = relative(dir, file);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  };
  let root = dirname(files[0] ?? ".");
  for (const file of files) while (!inside(root, file) && dirname(root) !== root) root = dirname(root);
  return root;
}

function describe(messages: readonly Message[]): string {
  return messages.map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text)).join("\n");
}

/**
 * Bundles each file with the local files it imports into one ES module (`<path>.mjs`, relative to
 * the files' common directory), and packs them with a manifest into a deterministic code bundle.
 * Packages (`@skein/sdk` and every other npm dependency) stay imports: the worker that runs the
 * code provides them, as an image provides a container's dependencies.
 */
export async function bundleSources(files: readonly string[]): Promise<SourceBundle> {
  const root = commonRoot(files);
  const modules = new Map(files.map((file) => [file, relative(root, file).split(sep).join("/").replace(/\.m?ts$/, ".mjs")]));
  let result;
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: files.map((file) => ({ in: file, out: (modules.get(file) ?? "").replace(/\.mjs$/, "") })),
      outdir: root,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      splitting: false,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      sourcemap: false,
      legalComments: "none",
      charset: "utf8",
      write: false,
      logLevel: "silent",
    });
  } catch (error) {
    const failure = error as { errors?: Message[] };
    throw new BundleError(`could not bundle the code:\n${failure.errors ? describe(failure.errors) : String(error)}`);
  }
  const entries: ArchiveEntry[] = result.outputFiles.map((output) => ({ path: relative(root, output.path).split(sep).join("/"), content: output.contents }));
  const manifest = { format: 1, modules: [...modules.values()].sort() };
  entries.push({ path: BUNDLE_MANIFEST, content: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) });
  return { bundle: codeBundle(entries), modules, root };
}
