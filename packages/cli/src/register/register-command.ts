import { relative } from "node:path";
import { createAdminClient } from "@skein/sdk";
import { UsageError } from "../run/args.js";
import { reportRemoteError } from "../remote/errors.js";
import { ensureProject } from "../remote/project.js";
import { resolveTarget, type RemoteTarget, type TargetFlags } from "../remote/target.js";
import { table } from "../remote/table.js";
import { BundleError } from "./bundle-sources.js";
import { findSourceFiles } from "./find-files.js";
import {
  isValidVersion,
  kindLabel,
  prepareRegistration,
  registerPlan,
  RegistrationFailed,
  uploadBundle,
  type EntityResult,
  type PreparedRegistration,
  type UploadedBundle,
} from "./register-files.js";

function fileCount(n: number): string {
  return `${n} ${n === 1 ? "file" : "files"}`;
}

export interface RegisterOptions extends TargetFlags {
  readonly version?: string;
  readonly json?: boolean;
  readonly dryRun?: boolean;
}

export interface RegisterIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The `--json` summary: one object, whether the registration succeeded or not. */
interface Summary {
  project: string;
  domain: string;
  version: string;
  dryRun: boolean;
  bundle: { sha256: string; files: string[]; uri?: string; created?: boolean };
  entities: { kind: string; name: string; status: string }[];
  error?: string;
}

function shown(file: string): string {
  return relative(process.cwd(), file) || file;
}

/**
 * `skein register PATH...`: bundles and uploads the code, then registers every task, workflow
 * and launch plan under one version. Returns the exit code: 0 when everything is registered or
 * already was, 1 on a conflict or failure, 2 for a bad command line.
 */
export async function registerCommand(paths: readonly string[], options: RegisterOptions, io: RegisterIo): Promise<number> {
  let target: RemoteTarget | undefined;
  let prepared: PreparedRegistration | undefined;
  let upload: UploadedBundle | undefined;
  const results: EntityResult[] = [];
  const summary = (): Summary => ({
    project: target?.project ?? "",
    domain: target?.domain ?? "",
    version: prepared?.version ?? "",
    dryRun: options.dryRun ?? false,
    bundle: { sha256: prepared?.source.bundle.sha256 ?? "", files: (prepared?.files ?? []).map(shown), ...(upload && { uri: upload.uri, created: upload.created }) },
    entities: results.map((r) => ({ kind: r.kind, name: r.name, status: r.status })),
  });
  const line = (status: string, kind: string, name: string) => {
    if (!options.json) io.out(`${status.padEnd(18)}  ${kind.padEnd(11)}  ${name}\n`);
  };
  try {
    target = resolveTarget(options, io.env);
    if (options.version !== undefined && !isValidVersion(options.version)) {
      throw new UsageError(`--version: "${options.version}" is not a valid version (1 to 128 of A-Z a-z 0-9 _ . = -)`);
    }
    const files = findSourceFiles(paths);
    prepared = await prepareRegistration(files, options.version);
    if (options.dryRun) {
      if (options.json) io.out(`${JSON.stringify({ ...summary(), planned: prepared.plan.map((e) => ({ kind: kindLabel[e.kind], name: e.name })) }, null, 2)}\n`);
      else {
        io.out(`would register ${prepared.plan.length} entities in ${target.project}/${target.domain} under version ${prepared.version}\n`);
        io.out(`bundle sha256:${prepared.source.bundle.sha256} (${fileCount(prepared.files.length)})\n`);
        io.out(table(["KIND", "NAME"], prepared.plan.map((e) => [kindLabel[e.kind], e.name])));
      }
      return 0;
    }
    const client = createAdminClient(target.endpoint);
    await ensureProject(client, target.project);
    upload = await uploadBundle(client, target.project, target.domain, prepared.source);
    if (!options.json) {
      io.out(`version ${prepared.version} in ${target.project}/${target.domain}\n`);
      line(upload.created ? "uploaded" : "already uploaded", "code", `sha256:${prepared.source.bundle.sha256.slice(0, 12)} (${fileCount(prepared.files.length)})`);
    }
    await registerPlan(client, prepared, target, upload.uri, (result) => {
      results.push(result);
      line(result.status, result.kind, result.name);
    });
    if (options.json) io.out(`${JSON.stringify(summary(), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RegistrationFailed) line("refused", error.entity.kind, error.entity.name);
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof RegistrationFailed ? reportRemoteError(error.failure, io.err, target?.endpoint) : error instanceof BundleError ? (io.err(`error: ${message}\n`), 1) : reportRemoteError(error, io.err, target?.endpoint);
    if (error instanceof RegistrationFailed) {
      // A conflicting version is a failed registration (exit 1), whatever code admin answered with.
      if (options.json) io.out(`${JSON.stringify({ ...summary(), error: error.message }, null, 2)}\n`);
      return code === 2 ? 2 : 1;
    }
    if (options.json) io.out(`${JSON.stringify({ ...summary(), error: message }, null, 2)}\n`);
    return code;
  }
}
