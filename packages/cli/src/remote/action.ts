import { createAdminClient, type AdminClient } from "@skein/sdk";
import { reportRemoteError } from "./errors.js";
import { resolveTarget, type RemoteTarget, type TargetFlags } from "./target.js";

/** Streams and environment of a command that talks to admin. */
export interface RemoteIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs one remote command: resolves its target, connects, and turns any error into `error: ...`
 * and an exit code (see reportRemoteError). `body` returns the exit code on success.
 */
export async function remoteAction(io: RemoteIo, flags: TargetFlags, body: (client: AdminClient, target: RemoteTarget) => Promise<number>): Promise<number> {
  let target: RemoteTarget | undefined;
  try {
    target = resolveTarget(flags, io.env);
    return await body(createAdminClient(target.endpoint), target);
  } catch (error) {
    return reportRemoteError(error, io.err, target?.endpoint);
  }
}
