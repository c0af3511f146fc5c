import { WorkflowExecutionPhase, type WorkflowExecutionIdentifier } from "@skein/idl";
import { useState } from "react";
import type { AdminClient } from "../api";
import { errorText, Problem } from "../components";
import { isTerminalWorkflowPhase } from "../format";
import { navigate, paths } from "../router";

/** Terminate a running execution (with a cause), relaunch it, or recover a failed one from its failed node. */
export function ExecutionActions({ client, id, phase }: { client: AdminClient; id: WorkflowExecutionIdentifier; phase: WorkflowExecutionPhase }) {
  const [cause, setCause] = useState("");
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const terminal = isTerminalWorkflowPhase(phase);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  const open = (name: string | undefined) => { if (name !== undefined) navigate(paths.execution(id.project, id.domain, name)); };
  return (
    <div className="actions">
      {!terminal && !asking && <button type="button" className="danger" disabled={busy} onClick={() => { setAsking(true); }}>Terminate</button>}
      {!terminal && asking && (
        <form className="inline" onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await client.terminateExecution({ id, cause: cause.trim() === "" ? "terminated from the console" : cause.trim() });
            setAsking(false);
          });
        }}>
          <input aria-label="termination cause" placeholder="cause" value={cause} onChange={(e) => { setCause(e.target.value); }} />
          <button type="submit" className="danger" disabled={busy}>Confirm terminate</button>
          <button type="button" onClick={() => { setAsking(false); }}>Cancel</button>
        </form>
      )}
      <button type="button" disabled={busy} onClick={() => void run(async () => { open((await client.relaunchExecution({ id })).id?.name); })}>Relaunch</button>
      {(phase === WorkflowExecutionPhase.FAILED || phase === WorkflowExecutionPhase.TIMED_OUT || phase === WorkflowExecutionPhase.ABORTED) && (
        <button type="button" disabled={busy} onClick={() => void run(async () => { open((await client.recoverExecution({ id })).id?.name); })}>Recover</button>
      )}
      {problem !== undefined && <Problem>{problem}</Problem>}
    </div>
  );
}
