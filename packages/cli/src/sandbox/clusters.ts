import { startPropeller, type RunningPropeller } from "@skein/propeller";
import type { LogSink } from "@skein/server";
import { loadClusterConfig, sandboxClusters, type SandboxCluster } from "./sandbox-config.js";

/** The sandbox's propellers, one per local cluster. */
export interface LocalClusters {
  readonly clusters: readonly SandboxCluster[];
  /** Stops every propeller; what they were running stays assigned to its cluster for the next start. */
  close(): Promise<void>;
}

/**
 * Starts a propeller for each local cluster, in this process, dialing the control plane at `url`.
 * `onStarted` is told of each as it comes up. If one fails to start, those already running stop.
 */
export async function startLocalClusters(
  url: string,
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly logSink?: LogSink; readonly onStarted?: (cluster: SandboxCluster) => void } = {},
): Promise<LocalClusters> {
  const running: RunningPropeller[] = [];
  const close = async () => {
    await Promise.all(running.map((propeller) => propeller.close()));
  };
  try {
    for (const cluster of sandboxClusters) {
      running.push(await startPropeller({ config: loadClusterConfig(cluster, url, dataDir, env), logSink: options.logSink }));
      options.onStarted?.(cluster);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { clusters: sandboxClusters, close };
}
