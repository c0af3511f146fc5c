/** The options of `skein run`, as both help texts list them. */
export const RUN_OPTIONS_HELP = `Options:
  --json              print the outputs as JSON only
  --overwrite-cache   run cached tasks again and replace their cache entries
  --signal NAME=VALUE value for a gate (approve: true/false), repeatable
  --data-dir DIR      where the cache and checkpoints live (default .skein)
  -h, --help          show this help`;

/** The remote-run options, listed by `skein run --help`. */
export const REMOTE_RUN_OPTIONS_HELP = `Remote runs (see docs/remote-runs.md):
  --remote            register what ENTITY needs and run it on the control plane
  --wait              follow the remote execution to its end and print its outputs
  --project P, --domain D, --endpoint URL, --version V
                      where to register and run (defaults: default, development,
                      http://localhost:8088, a hash of the code)
  --cluster-label L   run only on clusters with this label (key or key=value)
  --name N            the execution's name (before FILE: an input may be called name)
  With --remote, a flag after ENTITY that names an input is that input; the flags
  above may also be written before FILE, where they are never inputs.`;

/** `skein run` arguments: the file, the entity, run options, and the entity's input flags. */
export interface RunArgs {
  readonly file?: string;
  readonly entity?: string;
  readonly help: boolean;
  readonly json: boolean;
  readonly overwriteCache: boolean;
  readonly dataDir?: string;
  /** `--signal name=value`, repeatable. */
  readonly signals: ReadonlyMap<string, string>;
  /** Every other `--flag value` / `--flag=value` / bare `--flag`, in order. */
  readonly inputs: ReadonlyMap<string, string | true>;
  /** `--remote`: run on the control plane instead of this machine. */
  readonly remote: boolean;
  /** Remote-run flags written before FILE (see REMOTE_FLAGS), by name with `_` for `-`. */
  readonly remoteFlags: ReadonlyMap<string, string | true>;
}

/** Remote-run flags and whether each takes a value. After ENTITY they give way to inputs of the same name. */
export const REMOTE_FLAGS: ReadonlyMap<string, boolean> = new Map([
  ["wait", false],
  ["project", true],
  ["domain", true],
  ["endpoint", true],
  ["version", true],
  ["cluster_label", true],
  ["name", true],
]);

/** A command line that cannot be understood; the CLI exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Parses `skein run` arguments (after `run`). Input flags are kept as text until their types are known. */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  const positional: string[] = [];
  const inputs = new Map<string, string | true>();
  const signals = new Map<string, string>();
  let help = false;
  let json = false;
  let overwriteCache = false;
  let dataDir: string | undefined;
  let remote = false;
  const remoteFlags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--") || arg === "--") {
      if (arg === "-h") help = true;
      else if (arg !== "--") positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const next = argv[i + 1];
    const takeValue = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      if (next === undefined || next.startsWith("--")) throw new UsageError(`--${name} needs a value`);
      i += 1;
      return next;
    };
    switch (name) {
      case "help":
        help = true;
        break;
      case "json":
        json = true;
        break;
      case "overwrite-cache":
        overwriteCache = true;
        break;
      case "data-dir":
        dataDir = takeValue();
        break;
      case "remote":
        remote = true;
        break;
      case "signal": {
        const pair = takeValue();
        const at = pair.indexOf("=");
        if (at <= 0) throw new UsageError(`--signal expects NAME=VALUE, got "${pair}"`);
        signals.set(pair.slice(0, at), pair.slice(at + 1));
        break;
      }
      default: {
        if (name === "") throw new UsageError(`"${arg}" is not a flag`);
        const inputName = name.replaceAll("-", "_");
        const remoteTakesValue = REMOTE_FLAGS.get(inputName);
        if (positional.length === 0 && remoteTakesValue !== undefined) {
          // Before FILE there are no inputs yet: these flags are always run options.
          if (remoteFlags.has(inputName)) throw new UsageError(`--${name} is given twice`);
          remoteFlags.set(inputName, remoteTakesValue ? takeValue() : true);
          break;
        }
        if (inputs.has(inputName)) throw new UsageError(`--${name} is given twice`);
        // A bare flag (next is another flag or nothing) means true, for booleans.
        if (eq === -1 && (next === undefined || next.startsWith("--"))) inputs.set(inputName, true);
        else inputs.set(inputName, takeValue());
      }
    }
  }
  if (positional.length > 2) throw new UsageError(`unexpected argument "${positional[2] ?? ""}" (inputs are flags: --name value)`);
  return { file: positional[0], entity: positional[1], help, json, overwriteCache, dataDir, signals, inputs, remote, remoteFlags };
}
