import { CatalogCacheStatus, NodeExecutionPhase, TaskExecutionPhase, type ExecutionError, type Node } from "@skein/idl";
import type { Signal } from "@skein/idl/admin/v1";
import type { AdminClient } from "../api";
import { Loading, PhaseBadge, Problem, useAsync, ValueTable } from "../components";
import { logHref, opensDirectly, readableMap, type AttemptSource, type ValueSource } from "../data/literal-value";
import { cacheStatusName, durationMs, errorKindName, formatDuration, formatTime, nodePhaseName, nodeTone, taskPhaseName, taskTone } from "../format";
import { Link, paths } from "../router";
import type { ExecutionStore } from "./execution-store";
import { SignalControl } from "./signal-control";

/**
 * A task log: a link when the browser can open it (http, https); otherwise (a worker's local file,
 * say, which a web page may not open) its location to copy and a link that opens it through admin,
 * which serves it when it lies in its blob store or under its local file roots.
 */
function LogLink({ name, uri, attempt }: { name: string; uri: string; attempt: AttemptSource | undefined }) {
  const label = name === "" ? uri : name;
  if (opensDirectly(uri)) return <a href={uri} target="_blank" rel="noreferrer">{label}</a>;
  return (
    <span className="log-location" title={uri}>
      {attempt !== undefined && name !== "" ? <a href={logHref(attempt, name)} target="_blank" rel="noreferrer" data-log={name}>{label}</a> : label}: <code>{uri}</code>
    </span>
  );
}

export function ErrorView({ error }: { error: ExecutionError }) {
  return (
    <div className="error-view">
      <div><strong>{errorKindName(error.kind)} error</strong>{error.code === "" ? "" : <> · <code>{error.code}</code></>}{error.worker === "" ? "" : <span className="muted"> on {error.worker}</span>}</div>
      <p className="error-message">{error.message}</p>
      {error.stack !== "" && <details><summary>stack</summary><pre className="stack">{error.stack}</pre></details>}
    </div>
  );
}

/**
 * One node execution: phase, timing, inputs and outputs, the error, every attempt with its cause
 * and logs, the cache status and where a cached value came from, and the gate it waits on.
 */
export function NodeDetails({ client, store, nodeId, spec, signals, reloadSignals, onClose }: {
  client: AdminClient; store: ExecutionStore; nodeId: string; spec: Node | undefined; signals: readonly Signal[]; reloadSignals: () => void; onClose: () => void;
}) {
  const node = store.nodes.get(nodeId);
  const phase = node?.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED;
  const executionId = store.execution?.id;
  const data = useAsync(async (signal) => {
    if (executionId === undefined || node === undefined) return undefined;
    return client.getNodeExecutionData({ id: { nodeId, executionId } }, { signal });
  }, [client, executionId, nodeId, phase, node === undefined]);
  if (node === undefined) return <aside className="details"><Problem>Node {nodeId} has no execution yet.</Problem></aside>;
  const attempts = store.attempts.get(nodeId) ?? [];
  const closure = node.closure;
  const taskInfo = closure?.targetMetadata.case === "taskNodeInfo" ? closure.targetMetadata.value : undefined;
  const source = taskInfo?.catalogKey?.sourceTaskExecution?.nodeExecutionId?.executionId;
  const gate = spec?.target.case === "gateNode" ? spec.target.value.condition : undefined;
  const gateSignalId = gate?.case === "approve" || gate?.case === "signal" ? gate.value.signalId : undefined;
  const gateSignal = gateSignalId === undefined ? undefined : signals.find((s) => s.id?.signalId === gateSignalId || (s.id?.signalId ?? "").endsWith(`-${gateSignalId}`));
  const cluster = store.execution?.closure?.cluster ?? "";
  const at = executionId === undefined ? undefined : { project: executionId.project, domain: executionId.domain, execution: executionId.name, nodeId };
  const dataSource = (io: ValueSource["io"]): ValueSource | undefined => (at === undefined ? undefined : { ...at, io });
  return (
    <aside className="details" aria-label="node details" data-node-details={nodeId}>
      <header>
        <h2>{nodeId}</h2>
        <button type="button" className="link" onClick={onClose} aria-label="close details">✕</button>
      </header>
      <p><PhaseBadge tone={nodeTone(phase)} text={nodePhaseName(phase)} /> {closure?.reason}</p>
      <dl className="facts">
        {node.metadata?.nodeName !== undefined && node.metadata.nodeName !== "" && <><dt>name</dt><dd>{node.metadata.nodeName}</dd></>}
        {node.metadata?.parentNodeId !== undefined && node.metadata.parentNodeId !== "" && <><dt>parent</dt><dd>{node.metadata.parentNodeId}</dd></>}
        {node.metadata?.retryGroup !== undefined && node.metadata.retryGroup !== "" && <><dt>retry group</dt><dd>{node.metadata.retryGroup}</dd></>}
        <dt>started</dt><dd>{formatTime(closure?.startedAt)}</dd>
        <dt>duration</dt><dd>{formatDuration(durationMs(closure?.duration))}</dd>
        <dt>cluster</dt><dd>{cluster === "" ? "-" : cluster}</dd>
        {taskInfo !== undefined && (
          <>
            <dt>cache</dt>
            <dd data-cache-status={cacheStatusName(taskInfo.cacheStatus)}>
              {cacheStatusName(taskInfo.cacheStatus)}
              {taskInfo.cacheStatus === CatalogCacheStatus.HIT && source !== undefined && (
                <> · value produced by <Link to={paths.execution(source.project, source.domain, source.name)}>{source.name}</Link> (node {taskInfo.catalogKey?.sourceTaskExecution?.nodeExecutionId?.nodeId}, attempt {taskInfo.catalogKey?.sourceTaskExecution?.retryAttempt})</>
              )}
              {taskInfo.catalogKey?.datasetId !== undefined && <span className="muted"> · dataset {taskInfo.catalogKey.datasetId.name}@{taskInfo.catalogKey.datasetId.version}</span>}
            </dd>
          </>
        )}
      </dl>
      {gateSignal !== undefined && <section><h3>Gate</h3><SignalControl client={client} signal={gateSignal} onSet={reloadSignals} /></section>}
      {gate?.case === "sleep" && <p>Sleeps {formatDuration(durationMs(gate.value.duration))}.</p>}
      {closure?.result.case === "error" && <section><h3>Error</h3><ErrorView error={closure.result.value} /></section>}
      <section>
        <h3>Inputs</h3>
        {data.error !== undefined ? <Problem>{data.error}</Problem> : data.value === undefined ? <Loading what="inputs" /> : <ValueTable entries={readableMap(data.value.inputs, dataSource("inputs"))} />}
      </section>
      <section aria-label="outputs">
        <h3>Outputs</h3>
        {data.error !== undefined ? null : data.value === undefined ? <Loading what="outputs" /> : <ValueTable entries={readableMap(data.value.outputs, dataSource("outputs"))} empty={phase === NodeExecutionPhase.SUCCEEDED ? "none" : "not yet"} />}
      </section>
      {attempts.length > 0 && (
        <section>
          <h3>Attempts</h3>
          <ol className="attempts" start={0}>
            {attempts.map((a) => {
              const p = a.closure?.phase ?? TaskExecutionPhase.UNSPECIFIED;
              return (
                <li key={a.id?.retryAttempt ?? 0} data-attempt={a.id?.retryAttempt ?? 0}>
                  <PhaseBadge tone={taskTone(p)} text={taskPhaseName(p)} /> {formatTime(a.closure?.startedAt)} · {formatDuration(durationMs(a.closure?.duration))}
                  {a.closure?.pluginId !== undefined && a.closure.pluginId !== "" && <span className="muted"> · {a.closure.pluginId}</span>}
                  {a.closure?.reason !== undefined && a.closure.reason !== "" && <div className="cause">cause: {a.closure.reason}</div>}
                  {a.closure?.result.case === "error" && <ErrorView error={a.closure.result.value} />}
                  {(a.closure?.logs.length ?? 0) > 0 && <div className="logs">logs: {a.closure?.logs.map((l) => <LogLink key={l.uri} name={l.name} uri={l.uri} attempt={at === undefined ? undefined : { ...at, attempt: a.id?.retryAttempt ?? 0 }} />)}</div>}
                </li>
              );
            })}
          </ol>
        </section>
      )}
    </aside>
  );
}
