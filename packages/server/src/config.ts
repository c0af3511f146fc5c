import { z } from "zod";

/** A configuration that failed its schema; `problems` holds every violation, one line each. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(component: string, problems: readonly string[]) {
    super(`invalid ${component} configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Maps each config key to the environment variable that sets it, e.g. `{ port: "SKEIN_ADMIN_PORT" }`. */
export type EnvBindings<Shape> = { readonly [K in keyof Shape]?: string };

/**
 * Parses a service configuration once, at start. Values come from `overrides` (flags), then the
 * environment variables named in `env`, then the schema's defaults. Every violation is reported
 * together, each naming the key, the variable it came from and the problem.
 */
export function parseConfig<Schema extends z.ZodObject>(
  component: string,
  schema: Schema,
  options: {
    env?: EnvBindings<z.input<Schema>>;
    source?: Readonly<Record<string, string | undefined>>;
    overrides?: Partial<z.input<Schema>>;
  } = {},
): z.output<Schema> {
  const source = options.source ?? process.env;
  const input: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  const bindings: [string, string | undefined][] = Object.entries(options.env ?? {});
  for (const [key, variable] of bindings) {
    const value = variable === undefined ? undefined : source[variable];
    if (variable !== undefined && value !== undefined && value !== "") {
      input[key] = value;
      origin.set(key, variable);
    }
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) {
      input[key] = value;
      origin.delete(key);
    }
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join(".");
    const from = origin.get(key.split(".")[0] ?? "");
    return `${key}${from ? ` (from ${from})` : ""}: ${issue.message}`;
  });
  throw new ConfigError(component, problems);
}

/** A TCP port, given as a number or a numeric string; 0 asks the OS for a free one. */
export const portSchema = z.coerce.number().int().min(0).max(65535);

/** A URL with one of the given schemes, e.g. `postgres:` for DATABASE_URL. */
export function urlSchema(...protocols: string[]) {
  return z.url().refine((value) => protocols.includes(new URL(value).protocol), {
    message: `must be a URL with scheme ${protocols.map((p) => `${p}//`).join(" or ")}`,
  });
}
