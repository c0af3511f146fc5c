import { ResourceType } from "@skein/idl";
import type { LaunchPlan, Task, Workflow } from "@skein/idl/admin/v1";
import { useState } from "react";
import type { AdminClient } from "../api";
import { Loading, Problem, useAsync } from "../components";
import { inputsFromParameters, inputsFromVariables, LaunchForm } from "../launch/launch-form";
import { Link, paths } from "../router";
import { InterfaceTable, StaticGraph, VersionList } from "./entity-parts";

export type EntityKind = "workflow" | "task" | "launch plan";

interface Props {
  readonly client: AdminClient;
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** Every version of one name, newest first, fetched a page at a time. */
async function allVersions<T>(list: (token: string) => Promise<{ items: T[]; nextToken: string }>): Promise<T[]> {
  const out: T[] = [];
  let token = "";
  do {
    const page = await list(token);
    out.push(...page.items);
    token = page.nextToken;
  } while (token !== "" && out.length < 1000);
  return out;
}

export function WorkflowPage({ client, project, domain, name }: Props) {
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const versions = useAsync(async (signal) => allVersions<Workflow>(async (token) => {
    const r = await client.listWorkflows({ project, domain, name, token, limit: 100 }, { signal });
    return { items: r.workflows, nextToken: r.nextToken };
  }), [client, project, domain, name]);
  const version = picked ?? versions.value?.[0]?.id?.version;
  const launchPlans = useAsync(async (signal) => {
    if (version === undefined) return [];
    return (await client.listLaunchPlans({ project, domain, filters: `eq(workflow.name,${name})+eq(workflow.version,${version})`, limit: 100 }, { signal })).launchPlans;
  }, [client, project, domain, name, version]);
  if (versions.error !== undefined) return <Problem>{versions.error}</Problem>;
  if (versions.value === undefined) return <Loading what="workflow" />;
  const workflow = versions.value.find((w) => w.id?.version === version);
  if (workflow === undefined) return <Problem>No version of workflow {name} is registered.</Problem>;
  const template = workflow.closure?.compiledWorkflow?.primary?.template;
  const plan = launchPlans.value?.find((lp) => lp.id?.name === name) ?? launchPlans.value?.[0];
  return (
    <section>
      <Breadcrumb {...{ project, domain }} kind="workflow" name={name} />
      <div className="columns">
        <VersionList versions={versions.value.map((w) => ({ id: w.id, createdAt: w.closure?.createdAt }))} selected={version ?? ""} onSelect={setPicked} />
        <div className="grow">
          {workflow.description !== "" && <p>{workflow.description}</p>}
          <h2>Graph</h2>
          <StaticGraph closure={workflow.closure?.compiledWorkflow} />
          <div className="columns">
            <InterfaceTable title="Inputs" variables={template?.interface?.inputs} />
            <InterfaceTable title="Outputs" variables={template?.interface?.outputs} />
          </div>
          <h2>Launch</h2>
          {launchPlans.error !== undefined && <Problem>{launchPlans.error}</Problem>}
          {launchPlans.value !== undefined && plan === undefined && <p className="muted">No launch plan runs this version; register one to launch it.</p>}
          {plan?.id !== undefined && (
            <>
              <p>Through launch plan <Link to={paths.launchPlan(project, domain, plan.id.name)}>{plan.id.name}</Link> (its defaults and fixed inputs apply).</p>
              <LaunchForm key={`${plan.id.name}@${plan.id.version}`} client={client} project={project} domain={domain} target={{ case: "launchPlanId", value: plan.id }} inputs={inputsFromParameters(plan.closure?.expectedInputs)} />
            </>
          )}
        </div>
      </div>
    </section>
  );
}

export function LaunchPlanPage({ client, project, domain, name }: Props) {
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const versions = useAsync(async (signal) => allVersions<LaunchPlan>(async (token) => {
    const r = await client.listLaunchPlans({ project, domain, name, token, limit: 100 }, { signal });
    return { items: r.launchPlans, nextToken: r.nextToken };
  }), [client, project, domain, name]);
  const version = picked ?? versions.value?.[0]?.id?.version;
  const plan = versions.value?.find((lp) => lp.id?.version === version);
  const workflowId = plan?.spec?.workflowId;
  const workflow = useAsync(async (signal) => {
    if (workflowId === undefined) return undefined;
    return (await client.getWorkflow({ id: { ...workflowId, resourceType: ResourceType.WORKFLOW } }, { signal })).workflow;
  }, [client, workflowId]);
  if (versions.error !== undefined) return <Problem>{versions.error}</Problem>;
  if (versions.value === undefined) return <Loading what="launch plan" />;
  if (plan?.id === undefined) return <Problem>No version of launch plan {name} is registered.</Problem>;
  return (
    <section>
      <Breadcrumb {...{ project, domain }} kind="launch plan" name={name} />
      <div className="columns">
        <VersionList versions={versions.value.map((lp) => ({ id: lp.id, createdAt: lp.closure?.createdAt }))} selected={version ?? ""} onSelect={setPicked} />
        <div className="grow">
          {workflowId !== undefined && <p>Runs workflow <Link to={paths.workflow(project, domain, workflowId.name)}>{workflowId.name}</Link> version {workflowId.version}.</p>}
          {plan.spec?.description !== undefined && plan.spec.description !== "" && <p>{plan.spec.description}</p>}
          <div className="columns">
            <InterfaceTable title="Inputs" parameters={plan.closure?.expectedInputs} />
            <InterfaceTable title="Outputs" variables={plan.closure?.expectedOutputs} />
          </div>
          <h2>Launch</h2>
          <LaunchForm key={`${plan.id.name}@${plan.id.version}`} client={client} project={project} domain={domain} target={{ case: "launchPlanId", value: plan.id }} inputs={inputsFromParameters(plan.closure?.expectedInputs)} />
          <h2>Graph</h2>
          {workflow.error !== undefined && <Problem>{workflow.error}</Problem>}
          {workflow.value !== undefined && <StaticGraph closure={workflow.value.closure?.compiledWorkflow} />}
        </div>
      </div>
    </section>
  );
}

export function TaskPage({ client, project, domain, name }: Props) {
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const versions = useAsync(async (signal) => allVersions<Task>(async (token) => {
    const r = await client.listTasks({ project, domain, name, token, limit: 100 }, { signal });
    return { items: r.tasks, nextToken: r.nextToken };
  }), [client, project, domain, name]);
  const version = picked ?? versions.value?.[0]?.id?.version;
  if (versions.error !== undefined) return <Problem>{versions.error}</Problem>;
  if (versions.value === undefined) return <Loading what="task" />;
  const task = versions.value.find((t) => t.id?.version === version);
  if (task?.id === undefined) return <Problem>No version of task {name} is registered.</Problem>;
  const template = task.closure?.compiledTask?.template;
  return (
    <section>
      <Breadcrumb {...{ project, domain }} kind="task" name={name} />
      <div className="columns">
        <VersionList versions={versions.value.map((t) => ({ id: t.id, createdAt: t.closure?.createdAt }))} selected={version ?? ""} onSelect={setPicked} />
        <div className="grow">
          {task.description !== "" && <p>{task.description}</p>}
          <p>Type <code>{template?.type}</code></p>
          <div className="columns">
            <InterfaceTable title="Inputs" variables={template?.interface?.inputs} />
            <InterfaceTable title="Outputs" variables={template?.interface?.outputs} />
          </div>
          <h2>Run on its own</h2>
          <LaunchForm key={task.id.version} client={client} project={project} domain={domain} target={{ case: "taskId", value: task.id }} inputs={inputsFromVariables(template?.interface?.inputs)} />
        </div>
      </div>
    </section>
  );
}

function Breadcrumb({ project, domain, kind, name }: { project: string; domain: string; kind: EntityKind; name: string }) {
  const tab = kind === "workflow" ? "workflows" : kind === "task" ? "tasks" : "launch-plans";
  return <h1><Link to={`${paths.domain(project, domain)}?tab=${tab}`}>{project} / {domain}</Link> · {kind} <span className="name">{name}</span></h1>;
}
