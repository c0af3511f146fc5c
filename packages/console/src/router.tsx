import { createContext, useContext, useEffect, useState, type MouseEvent, type ReactNode } from "react";

/** Every console path starts here; admin serves the app under it. */
export const basePath = "/console";

/** The path inside the console (without the base) and its query parameters. */
export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

function currentLocation(): Location {
  const { pathname, search } = window.location;
  const inner = pathname.startsWith(basePath) ? pathname.slice(basePath.length) : pathname;
  return { path: inner === "" ? "/" : inner, query: new URLSearchParams(search) };
}

const LocationContext = createContext<Location>({ path: "/", query: new URLSearchParams() });

/** Moves to a console path (e.g. `/projects/p/domains/d`) without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${basePath}${to}`;
  if (options.replace === true) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function LocationProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const onChange = () => { setLocation(currentLocation()); };
    window.addEventListener("popstate", onChange);
    return () => { window.removeEventListener("popstate", onChange); };
  }, []);
  return <LocationContext.Provider value={location}>{children}</LocationContext.Provider>;
}

export function useLocation(): Location {
  return useContext(LocationContext);
}

/** A link inside the console: a real href (open in a new tab works), client-side otherwise. */
export function Link({ to, children, className, title }: { to: string; children: ReactNode; className?: string; title?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={`${basePath}${to}`} onClick={onClick} className={className} title={title}>{children}</a>;
}

/** Matches `pattern` (segments, `:name` captures) against `path`; the captured values, or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/").filter((s) => s !== "");
  const have = path.split("/").filter((s) => s !== "");
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const h = decodeURIComponent(have[i] ?? "");
    if (w.startsWith(":")) params[w.slice(1)] = h;
    else if (w !== h) return undefined;
  }
  return params;
}

/** Console paths, built in one place so links and the CLI agree. */
export const paths = {
  projects: () => "/",
  domain: (project: string, domain: string) => `/projects/${enc(project)}/domains/${enc(domain)}`,
  workflow: (project: string, domain: string, name: string) => `${paths.domain(project, domain)}/workflows/${enc(name)}`,
  task: (project: string, domain: string, name: string) => `${paths.domain(project, domain)}/tasks/${enc(name)}`,
  launchPlan: (project: string, domain: string, name: string) => `${paths.domain(project, domain)}/launch-plans/${enc(name)}`,
  executions: (project: string, domain: string) => `${paths.domain(project, domain)}/executions`,
  execution: (project: string, domain: string, name: string) => `${paths.domain(project, domain)}/executions/${enc(name)}`,
};

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
