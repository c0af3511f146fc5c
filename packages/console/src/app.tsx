import { useMemo } from "react";
import { createAdminClient, type AdminClient } from "./api";
import { ExecutionPage } from "./execution/execution-page";
import { DomainPage } from "./pages/domain-page";
import { LaunchPlanPage, TaskPage, WorkflowPage } from "./pages/entity-page";
import { ExecutionsPage } from "./pages/executions-page";
import { ProjectsPage } from "./pages/projects-page";
import { Link, matchPath, paths, useLocation } from "./router";

const domainRoot = "/projects/:project/domains/:domain";

function Page({ client }: { client: AdminClient }) {
  const { path, query } = useLocation();
  let m: Record<string, string> | undefined;
  if ((m = matchPath("/", path)) !== undefined) return <ProjectsPage client={client} />;
  if ((m = matchPath(`${domainRoot}/executions/:name`, path)) !== undefined) {
    const { project = "", domain = "", name = "" } = m;
    return <ExecutionPage key={`${project}/${domain}/${name}`} client={client} project={project} domain={domain} name={name} />;
  }
  if ((m = matchPath(`${domainRoot}/executions`, path)) !== undefined) return <ExecutionsPage client={client} project={m.project ?? ""} domain={m.domain ?? ""} />;
  if ((m = matchPath(`${domainRoot}/workflows/:name`, path)) !== undefined) return <WorkflowPage key={path} client={client} project={m.project ?? ""} domain={m.domain ?? ""} name={m.name ?? ""} />;
  if ((m = matchPath(`${domainRoot}/tasks/:name`, path)) !== undefined) return <TaskPage key={path} client={client} project={m.project ?? ""} domain={m.domain ?? ""} name={m.name ?? ""} />;
  if ((m = matchPath(`${domainRoot}/launch-plans/:name`, path)) !== undefined) return <LaunchPlanPage key={path} client={client} project={m.project ?? ""} domain={m.domain ?? ""} name={m.name ?? ""} />;
  if ((m = matchPath(domainRoot, path)) !== undefined) return <DomainPage client={client} project={m.project ?? ""} domain={m.domain ?? ""} tab={query.get("tab") ?? "workflows"} />;
  return <p>There is no page at <code>{path}</code>. <Link to={paths.projects()}>All projects</Link></p>;
}

export function App() {
  const client = useMemo(() => createAdminClient(), []);
  return (
    <>
      <header className="top">
        <Link to={paths.projects()} className="brand">Skein</Link>
        <span className="muted">console</span>
      </header>
      <main><Page client={client} /></main>
    </>
  );
}
