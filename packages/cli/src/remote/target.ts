import { resolveEndpoint } from "@skein/sdk";
import { UsageError } from "../run/args.js";

/** Where a remote command sends its requests: admin's address and the project and domain. */
export interface RemoteTarget {
  readonly endpoint: string;
  readonly project: string;
  readonly domain: string;
}

/** The project used when neither `--project` nor SKEIN_PROJECT names one; created on first use. */
export const DEFAULT_PROJECT = "default";
/** The domain used when neither `--domain` nor SKEIN_DOMAIN names one. */
export const DEFAULT_DOMAIN = "development";

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Flags every remote command accepts. */
export interface TargetFlags {
  readonly endpoint?: string;
  readonly project?: string;
  readonly domain?: string;
}

function label(flag: string, env: string, value: string | undefined, fallback: string, environment: Readonly<Record<string, string | undefined>>): string {
  const [origin, chosen] = value !== undefined ? [flag, value] : environment[env] ? [env, environment[env]] : ["default", fallback];
  if (!LABEL.test(chosen)) throw new UsageError(`${origin}: "${chosen}" is not a valid name (lowercase letters, digits and '-', at most 63)`);
  return chosen;
}

/**
 * Resolves a command's target: flags first, then SKEIN_ENDPOINT / SKEIN_PROJECT / SKEIN_DOMAIN,
 * then http://localhost:8088, `default` and `development`. Bad values are usage errors.
 */
export function resolveTarget(flags: TargetFlags, env: Readonly<Record<string, string | undefined>>): RemoteTarget {
  return {
    endpoint: resolveEndpoint(flags.endpoint, env),
    project: label("--project", "SKEIN_PROJECT", flags.project, DEFAULT_PROJECT, env),
    domain: label("--domain", "SKEIN_DOMAIN", flags.domain, DEFAULT_DOMAIN, env),
  };
}

/** The target flags to repeat in a follow-up command the user is told to run (only those given). */
export function targetSuffix(flags: { readonly project?: string; readonly domain?: string }): string {
  return `${flags.project ? ` --project ${flags.project}` : ""}${flags.domain ? ` --domain ${flags.domain}` : ""}`;
}
