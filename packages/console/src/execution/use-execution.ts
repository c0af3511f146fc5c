import { Code, ConnectError } from "@connectrpc/connect";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { AdminClient } from "../api";
import { isTerminalWorkflowPhase } from "../format";
import { ExecutionStore } from "./execution-store";

export interface LiveExecution {
  readonly store: ExecutionStore;
  /** The store's version: changes whenever something in it did. */
  readonly version: number;
  /** Why the stream stopped, when it stopped early; it reconnects on its own. */
  readonly problem: string | undefined;
}

/**
 * Follows one execution through WatchExecution: the snapshot, then every change, until it ends.
 * A dropped stream resumes from the last token after a short pause.
 */
export function useExecution(client: AdminClient, project: string, domain: string, name: string): LiveExecution {
  const [store] = useState(() => new ExecutionStore());
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const version = useSyncExternalStore(store.subscribe, store.getVersion);
  useEffect(() => {
    const abort = new AbortController();
    let resumeToken = "";
    const stopped = () => abort.signal.aborted;
    const follow = async () => {
      while (!abort.signal.aborted) {
        try {
          const stream = client.watchExecution(
            { id: { project, domain, name }, includeNodeExecutions: true, includeTaskExecutions: true, resumeToken },
            { signal: abort.signal },
          );
          for await (const message of stream) {
            store.apply(message);
            resumeToken = message.resumeToken;
          }
          setProblem(undefined);
          const phase = store.execution?.closure?.phase;
          if (phase !== undefined && isTerminalWorkflowPhase(phase)) return;
        } catch (error) {
          if (stopped()) return;
          const connectError = ConnectError.from(error);
          if (connectError.code === Code.NotFound || connectError.code === Code.InvalidArgument) {
            setProblem(connectError.rawMessage);
            return;
          }
          setProblem(`live updates interrupted (${connectError.rawMessage}); reconnecting`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    void follow();
    return () => { abort.abort(); };
  }, [client, store, project, domain, name]);
  return { store, version, problem };
}
