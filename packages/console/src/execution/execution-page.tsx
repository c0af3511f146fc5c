import { NodeExecutionPhase, ResourceType, WorkflowExecutionPhase, type Node } from "@skein/idl";
import type { Signal } from "@skein/idl/admin/v1";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { AdminClient } from "../api";
import { Loading, PhaseBadge, Problem, useAsync, ValueTable } from "../components";
import { readableMap } from "../data/literal-value";
import { durationMs, formatDuration, formatTime, isTerminalWorkflowPhase, nodePhaseName, nodeTone, workflowPhaseName, workflowTone, type PhaseTone } from "../format";
import { buildGraph, childSummary } from "../graph/graph-model";
import { GraphView, type NodeLook } from "../graph/graph-view";
import { singleTaskClosure, singleTaskOf } from "../graph/single-task";
import { Link, paths } from "../router";
import { ExecutionActions } from "./execution-actions";
import { ErrorView, NodeDetails } from "./node-details";
import { NodeTable } from "./node-table";
import { SignalsPanel } from "./signals-panel";
import { useExecution } from "./use-execution";
import { useGeneratedWorkflows } from "./use-generated-workflows";

const summaryOrder: readonly [PhaseTone, string][] = [["succeeded", "✓"], ["running", "▶"], ["waiting", "…"], ["failed", "✗"], ["aborted", "■"], ["skipped", "-"]];

function summaryText(counts: Record<PhaseTone, number>): string {
  return summaryOrder.filter(([tone]) => counts[tone] > 0).map(([tone, mark]) => `${counts[tone]}${mark}`).join(" ");
}

/** The tone a parent shows: failed if any child failed, running while any runs, else its own. */
function summaryTone(counts: Record<PhaseTone, number>, own: PhaseTone | undefined): PhaseTone | undefined {
  if (counts.failed > 0) return "failed";
  if (counts.running > 0) return "running";
  return own;
}

/** One execution, live: header and actions, the graph, every node (list or timeline), signals, inputs and outputs, a node's details. */
export function ExecutionPage({ client, project, domain, name }: { client: AdminClient; project: string; domain: string; name: string }) {
  const { store, version, problem } = useExecution(client, project, domain, name);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [tab, setTab] = useState<"nodes" | "timeline" | "signals" | "data">("nodes");
  const execution = store.execution;
  const workflowId = execution?.closure?.workflowId;
  const workflowKey = workflowId === undefined ? "" : `${workflowId.project}/${workflowId.domain}/${workflowId.name}/${workflowId.version}`;
  const workflow = useAsync(async (signal) => {
    if (workflowId === undefined) return undefined;
    const taskId = singleTaskOf(workflowId);
    if (taskId !== undefined) {
      const template = (await client.getTask({ id: taskId }, { signal })).task?.closure?.compiledTask?.template;
      return template === undefined ? undefined : singleTaskClosure(workflowId, template);
    }
    return (await client.getWorkflow({ id: { ...workflowId, resourceType: ResourceType.WORKFLOW } }, { signal })).workflow?.closure?.compiledWorkflow;
  }, [client, workflowKey]);
  const closure = workflow.value;
  const phase = execution?.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED;

  const [signals, setSignals] = useState<readonly Signal[]>([]);
  const loadSignals = useCallback(() => {
    client.listSignals({ executionId: { project, domain, name }, limit: 1000 }).then((r) => { setSignals(r.signals); }, () => undefined);
  }, [client, project, domain, name]);
  // Signals appear when gates start waiting, which no watch message announces: look every two
  // seconds until the execution ends, then once more.
  const ended = isTerminalWorkflowPhase(phase);
  useEffect(() => {
    loadSignals();
    if (ended) return;
    const timer = setInterval(loadSignals, 2000);
    return () => { clearInterval(timer); };
  }, [loadSignals, ended]);

  const structure = store.structureVersion;
  const generated = useGeneratedWorkflows(client, store, version, expanded);
  const model = useMemo(() => buildGraph(closure, store, expanded, generated), [closure, store, structure, expanded, generated]);
  const specs = useMemo(() => new Map<string, Node>((closure?.primary?.template?.nodes ?? []).map((n) => [n.id, n])), [closure]);
  const look = (id: string): NodeLook => {
    const node = store.nodes.get(id);
    const own = node === undefined ? undefined : nodeTone(node.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED);
    if ((store.children.get(id)?.length ?? 0) > 0) {
      const counts = childSummary(store, id);
      return { tone: summaryTone(counts, own), caption: summaryText(counts) };
    }
    return { tone: own, caption: node === undefined ? "not started" : nodePhaseName(node.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED) };
  };
  const toggle = (id: string) => {
    const next = new Set(expanded);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setExpanded(next);
  };

  if (execution === undefined) return problem !== undefined ? <Problem>{problem}</Problem> : <Loading what={`execution ${name}`} />;
  const target = execution.spec?.target;
  const selectedSpec = selected === undefined ? undefined : specs.get(store.nodes.get(selected)?.metadata?.specNodeId ?? selected) ?? specs.get(selected);
  return (
    <section className="execution" data-phase={workflowPhaseName(phase)}>
      <h1><Link to={paths.executions(project, domain)}>{project} / {domain}</Link> · execution <span className="name">{name}</span> <PhaseBadge tone={workflowTone(phase)} text={workflowPhaseName(phase)} /></h1>
      {problem !== undefined && <p className="notice">{problem}</p>}
      <dl className="facts wide">
        <dt>{target?.case === "taskId" ? "task" : "launch plan"}</dt>
        <dd>{target?.case === "launchPlanId" ? <Link to={paths.launchPlan(target.value.project, target.value.domain, target.value.name)}>{target.value.name}</Link> : target?.value?.name}@{target?.value?.version}</dd>
        {workflowId !== undefined && <><dt>workflow</dt><dd><Link to={paths.workflow(workflowId.project, workflowId.domain, workflowId.name)}>{workflowId.name}</Link></dd></>}
        <dt>cluster</dt><dd>{execution.closure?.cluster === "" ? "-" : execution.closure?.cluster}</dd>
        <dt>created</dt><dd>{formatTime(execution.closure?.createdAt)}</dd>
        <dt>duration</dt><dd>{formatDuration(durationMs(execution.closure?.duration))}</dd>
        <dt>nodes</dt><dd data-node-count={store.nodes.size}>{store.nodes.size}</dd>
        {execution.spec?.metadata?.referenceExecution !== undefined && <><dt>from</dt><dd><Link to={paths.execution(project, domain, execution.spec.metadata.referenceExecution.name)}>{execution.spec.metadata.referenceExecution.name}</Link></dd></>}
      </dl>
      {execution.closure?.reason !== undefined && execution.closure.reason !== "" && <p>{execution.closure.reason}</p>}
      {execution.closure?.result.case === "error" && <ErrorView error={execution.closure.result.value} />}
      {execution.closure?.abortMetadata !== undefined && <p className="notice">Terminated: {execution.closure.abortMetadata.cause}{execution.closure.abortMetadata.principal === "" ? "" : ` (by ${execution.closure.abortMetadata.principal})`}</p>}
      {execution.id !== undefined && <ExecutionActions client={client} id={execution.id} phase={phase} />}
      <div className="columns">
        <div className="grow">
          {workflow.error !== undefined && <Problem>Could not load the workflow: {workflow.error}</Problem>}
          {closure !== undefined && <GraphView model={model} look={look} selected={selected} onSelect={setSelected} expanded={expanded} onToggle={toggle} />}
          <nav className="tabs">
            {(["nodes", "timeline", "signals", "data"] as const).map((t) => (
              <button key={t} type="button" className={tab === t ? "active" : ""} onClick={() => { setTab(t); }}>{t === "data" ? "inputs & outputs" : t}{t === "signals" && signals.some((s) => s.value === undefined) ? " •" : ""}</button>
            ))}
          </nav>
          {(tab === "nodes" || tab === "timeline") && <NodeTable store={store} version={version} selected={selected} onSelect={setSelected} mode={tab === "nodes" ? "list" : "timeline"} />}
          {tab === "signals" && <SignalsPanel client={client} signals={signals} reload={loadSignals} />}
          {tab === "data" && <ExecutionData client={client} project={project} domain={domain} name={name} phase={phase} />}
        </div>
        {selected !== undefined && <NodeDetails key={selected} client={client} store={store} nodeId={selected} spec={selectedSpec} signals={signals} reloadSignals={loadSignals} onClose={() => { setSelected(undefined); }} />}
      </div>
    </section>
  );
}

function ExecutionData({ client, project, domain, name, phase }: { client: AdminClient; project: string; domain: string; name: string; phase: WorkflowExecutionPhase }) {
  const data = useAsync(async (signal) => client.getExecutionData({ id: { project, domain, name } }, { signal }), [client, project, domain, name, phase]);
  if (data.error !== undefined) return <Problem>{data.error}</Problem>;
  if (data.value === undefined) return <Loading what="inputs and outputs" />;
  return (
    <div className="columns">
      <div><h3>Inputs</h3><ValueTable entries={readableMap(data.value.inputs)} /></div>
      <div><h3>Outputs</h3><ValueTable entries={readableMap(data.value.outputs)} empty={phase === WorkflowExecutionPhase.SUCCEEDED ? "none" : "not yet"} /></div>
    </div>
  );
}
