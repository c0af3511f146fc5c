/**
 * The console page of an execution on the admin at `endpoint` (admin serves the console under
 * /console), e.g. `http://localhost:8088/console/projects/default/domains/development/executions/x`.
 */
export function executionConsoleUrl(endpoint: string, project: string, domain: string, name: string): string {
  const base = endpoint.replace(/\/+$/, "");
  const segment = encodeURIComponent;
  return `${base}/console/projects/${segment(project)}/domains/${segment(domain)}/executions/${segment(name)}`;
}
