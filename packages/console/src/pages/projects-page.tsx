import type { AdminClient } from "../api";
import { Loading, Problem, useAsync } from "../components";
import { Link, paths } from "../router";

/** Every project and its domains; each domain leads to its workflows, tasks, launch plans and executions. */
export function ProjectsPage({ client }: { client: AdminClient }) {
  const projects = useAsync(async (signal) => (await client.listProjects({ limit: 1000 }, { signal })).projects, [client]);
  if (projects.error !== undefined) return <Problem>Could not list projects: {projects.error}</Problem>;
  if (projects.value === undefined) return <Loading what="projects" />;
  if (projects.value.length === 0) return <p>No projects yet. Register one with <code>npx skein register</code>.</p>;
  return (
    <section>
      <h1>Projects</h1>
      <table className="list">
        <thead><tr><th>Project</th><th>Description</th><th>Domains</th></tr></thead>
        <tbody>
          {projects.value.map((p) => (
            <tr key={p.id}>
              <td><strong>{p.name === "" ? p.id : p.name}</strong> <span className="muted">{p.id}</span></td>
              <td>{p.description}</td>
              <td className="links">{p.domains.map((d) => <Link key={d.id} to={paths.domain(p.id, d.id)}>{d.name === "" ? d.id : d.name}</Link>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
