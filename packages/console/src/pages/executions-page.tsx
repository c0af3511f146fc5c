import { WorkflowExecutionPhase } from "@skein/idl";
import { useState } from "react";
import type { AdminClient } from "../api";
import { Loading, PhaseBadge, Problem, useAsync } from "../components";
import { durationMs, formatDuration, formatTime, workflowPhaseName, workflowTone } from "../format";
import { Link, paths } from "../router";
import { filterExpression, noFilters, type ExecutionFilters } from "./execution-filters";

const pageSize = 25;
const phases = Object.values(WorkflowExecutionPhase).filter((v): v is WorkflowExecutionPhase => typeof v === "number" && v !== WorkflowExecutionPhase.UNSPECIFIED);

/** A domain's executions, newest first, filtered by phase, workflow, launch plan, cluster and time, a page at a time. */
export function ExecutionsPage({ client, project, domain, embedded = false }: { client: AdminClient; project: string; domain: string; embedded?: boolean }) {
  const [draft, setDraft] = useState<ExecutionFilters>(noFilters);
  const [applied, setApplied] = useState<{ filters: string; problem?: string }>({ filters: "" });
  // Tokens of the pages before the current one; the current page's token is last.
  const [tokens, setTokens] = useState<string[]>([""]);
  const token = tokens[tokens.length - 1] ?? "";
  const page = useAsync(
    async (signal) => client.listExecutions({ project, domain, limit: pageSize, token, filters: applied.filters }, { signal }),
    [client, project, domain, token, applied.filters],
  );
  const apply = () => {
    try {
      setApplied({ filters: filterExpression(draft) });
      setTokens([""]);
    } catch (error) {
      setApplied({ filters: applied.filters, problem: (error as Error).message });
    }
  };
  const field = (key: keyof ExecutionFilters, label: string, type = "text") => (
    <label>{label}<input type={type} value={draft[key]} onChange={(e) => { setDraft({ ...draft, [key]: e.target.value }); }} name={key} /></label>
  );
  return (
    <section>
      {!embedded && <h1><Link to={paths.domain(project, domain)}>{project} / {domain}</Link> · executions</h1>}
      <form className="filters" onSubmit={(e) => { e.preventDefault(); apply(); }}>
        <label>Phase
          <select name="phase" value={draft.phase} onChange={(e) => { setDraft({ ...draft, phase: e.target.value }); }}>
            <option value="">any</option>
            {phases.map((p) => <option key={p} value={workflowPhaseName(p)}>{workflowPhaseName(p)}</option>)}
          </select>
        </label>
        {field("workflow", "Workflow")}
        {field("launchPlan", "Launch plan")}
        {field("cluster", "Cluster")}
        {field("after", "Created after", "datetime-local")}
        {field("before", "Created before", "datetime-local")}
        <button type="submit">Apply</button>
        <button type="button" onClick={() => { setDraft(noFilters); setApplied({ filters: "" }); setTokens([""]); }}>Clear</button>
      </form>
      {applied.problem !== undefined && <Problem>{applied.problem}</Problem>}
      {page.error !== undefined && <Problem>Could not list executions: {page.error}</Problem>}
      {page.value === undefined && page.error === undefined && <Loading what="executions" />}
      {page.value !== undefined && (
        <>
          <table className="list executions">
            <thead><tr><th>Name</th><th>Phase</th><th>Launch plan / task</th><th>Cluster</th><th>Created</th><th>Duration</th></tr></thead>
            <tbody>
              {page.value.executions.map((e) => {
                const phase = e.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED;
                const target = e.spec?.target;
                return (
                  <tr key={e.id?.name} data-execution={e.id?.name}>
                    <td><Link to={paths.execution(project, domain, e.id?.name ?? "")}>{e.id?.name}</Link></td>
                    <td><PhaseBadge tone={workflowTone(phase)} text={workflowPhaseName(phase)} /></td>
                    <td>{target?.case === undefined ? "-" : `${target.value.name}@${target.value.version}`}</td>
                    <td>{e.closure?.cluster === "" ? "-" : e.closure?.cluster}</td>
                    <td>{formatTime(e.closure?.createdAt)}</td>
                    <td>{formatDuration(durationMs(e.closure?.duration))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {page.value.executions.length === 0 && <p className="muted">No executions match.</p>}
          <div className="pager">
            <button type="button" disabled={tokens.length <= 1} onClick={() => { setTokens(tokens.slice(0, -1)); }}>Newer</button>
            <span>page {tokens.length}</span>
            <button type="button" disabled={page.value.nextToken === ""} onClick={() => { setTokens([...tokens, page.value?.nextToken ?? ""]); }}>Older</button>
          </div>
        </>
      )}
    </section>
  );
}
