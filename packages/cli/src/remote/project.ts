import { Code, ConnectError } from "@connectrpc/connect";
import type { AdminClient } from "@skein/sdk";
import { DEFAULT_PROJECT } from "./target.js";

/**
 * Makes sure the project exists before registering into it. Only the `default` project is
 * created on demand, so that a command works against a fresh admin without setup; any other
 * project must be created with `skein project create` (a typo never creates a project), which
 * the NotFound error says.
 */
export async function ensureProject(client: AdminClient, project: string): Promise<void> {
  try {
    await client.getProject({ id: project });
  } catch (error) {
    if (!(error instanceof ConnectError) || error.code !== Code.NotFound) throw error;
    if (project !== DEFAULT_PROJECT) throw new ConnectError(`project "${project}" not found; create it with: skein project create ${project}`, Code.NotFound);
    try {
      await client.registerProject({ project: { id: project, name: project, description: "Created by the skein CLI on first use." } });
    } catch (raced) {
      if (!(raced instanceof ConnectError) || raced.code !== Code.AlreadyExists) throw raced;
    }
  }
}
