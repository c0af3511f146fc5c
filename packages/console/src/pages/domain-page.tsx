import { ResourceType } from "@skein/idl";
import { SortDirection } from "@skein/idl/admin/v1";
import { useState } from "react";
import type { AdminClient } from "../api";
import { Loading, Problem, useAsync } from "../components";
import { formatTime } from "../format";
import { Link, paths } from "../router";
import { ExecutionsPage } from "./executions-page";

const tabs = [
  { id: "workflows", title: "Workflows", type: ResourceType.WORKFLOW, path: paths.workflow },
  { id: "tasks", title: "Tasks", type: ResourceType.TASK, path: paths.task },
  { id: "launch-plans", title: "Launch plans", type: ResourceType.LAUNCH_PLAN, path: paths.launchPlan },
] as const;

/** One project's domain: its named workflows, tasks and launch plans, and its executions. */
export function DomainPage({ client, project, domain, tab }: { client: AdminClient; project: string; domain: string; tab: string }) {
  const current = tabs.find((t) => t.id === tab);
  return (
    <section>
      <h1>{project} / {domain}</h1>
      <nav className="tabs">
        {tabs.map((t) => <Link key={t.id} to={`${paths.domain(project, domain)}?tab=${t.id}`} className={t === current ? "active" : ""}>{t.title}</Link>)}
        <Link to={paths.executions(project, domain)} className={current === undefined ? "active" : ""}>Executions</Link>
      </nav>
      {current === undefined
        ? <ExecutionsPage client={client} project={project} domain={domain} embedded />
        : <NamedEntities client={client} project={project} domain={domain} type={current.type} path={current.path} />}
    </section>
  );
}

function NamedEntities({ client, project, domain, type, path }: {
  client: AdminClient; project: string; domain: string; type: ResourceType; path: (p: string, d: string, n: string) => string;
}) {
  const [filter, setFilter] = useState("");
  const names = useAsync(async (signal) => {
    const out = [];
    let token = "";
    do {
      const page = await client.listNamedEntities({ resourceType: type, project, domain, limit: 1000, token, sortBy: { key: "name", direction: SortDirection.ASCENDING } }, { signal });
      out.push(...page.entities);
      token = page.nextToken;
    } while (token !== "");
    return out;
  }, [client, project, domain, type]);
  if (names.error !== undefined) return <Problem>{names.error}</Problem>;
  if (names.value === undefined) return <Loading what="names" />;
  const shown = names.value.filter((e) => (e.id?.name ?? "").includes(filter));
  return (
    <>
      <input className="search" placeholder="Filter by name" value={filter} onChange={(e) => { setFilter(e.target.value); }} aria-label="filter by name" />
      <table className="list">
        <thead><tr><th>Name</th><th>Description</th><th>Latest version</th></tr></thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.id?.name}>
              <td><Link to={path(project, domain, e.id?.name ?? "")}>{e.id?.name}</Link></td>
              <td>{e.metadata?.description}</td>
              <td>{formatTime(e.latestVersionCreatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p className="muted">Nothing registered here.</p>}
    </>
  );
}
