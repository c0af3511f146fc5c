import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAdminConfig } from "@skein/admin";
import { loadRouterConfig } from "@skein/cluster-router";
import { loadDatacatalogConfig } from "@skein/datacatalog";
import { loadPropellerConfig } from "@skein/propeller";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { servableServices } from "./services.js";

// The Kubernetes manifests under deploy/k8s, checked against the code that reads them: every file a
// kustomization names exists, every container runs a service `skein serve` knows, the environment
// a container gets (its ConfigMaps, its literals, stand-ins for its Secret) is accepted by that
// service's configuration loader, each service listens on the port its Service targets, propeller
// dials the Services the control plane defines, and no heap may outgrow its container.

const k8s = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../deploy/k8s");

type Manifest = { kind: string; metadata: { name: string }; [key: string]: unknown };
interface Container {
  name: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  envFrom?: { configMapRef: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } } }[];
  resources: { limits: { memory: string } };
}
interface Kustomization {
  resources?: string[];
  configMapGenerator?: { name: string; literals: string[] }[];
}

/** Every manifest a kustomization directory builds, with the ConfigMaps its generators make. */
function build(dir: string): Manifest[] {
  const file = join(dir, "kustomization.yaml");
  expect(existsSync(file), `${file} exists`).toBe(true);
  const kustomization = parseYaml(file)[0] as Kustomization;
  const manifests: Manifest[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    expect(existsSync(path), `${path}, named by ${file}, exists`).toBe(true);
    manifests.push(...(statSync(path).isDirectory() ? build(path) : (parseYaml(path) as Manifest[])));
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    const data = Object.fromEntries(generator.literals.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    manifests.push({ kind: "ConfigMap", metadata: { name: generator.name }, data });
  }
  return manifests;
}

function parseYaml(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, "utf8")).map((doc) => {
    expect(doc.errors, `${path} parses`).toEqual([]);
    return doc.toJS() as unknown;
  });
}

function containersOf(manifests: Manifest[]): Container[] {
  return manifests.filter((m) => m.kind === "Deployment").flatMap((d) => (d as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers);
}

// Secrets are the operator's; these stand in for their values.
const secretValues: Record<string, string> = { DATABASE_URL: "postgres://skein@db.example:5432/skein", REDIS_URL: "redis://redis.example:6379" };

/** The environment the container starts with. */
function environmentOf(container: Container, configMaps: Map<string, Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const data = configMaps.get(from.configMapRef.name);
    expect(data, `ConfigMap ${from.configMapRef.name} of container ${container.name}`).toBeDefined();
    Object.assign(env, data);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    const value = ref !== undefined ? secretValues[ref.key] : variable.value;
    expect(value, `${container.name}: ${variable.name} has a value`).toBeDefined();
    env[variable.name] = value ?? "";
  }
  return env;
}

function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (match === null) throw new Error(`memory quantity "${quantity}" is not in Mi or Gi`);
  return Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
}

const loaders = {
  admin: (env: Record<string, string>) => loadAdminConfig({}, env),
  datacatalog: (env: Record<string, string>) => loadDatacatalogConfig({}, env),
  "cluster-router": (env: Record<string, string>) => loadRouterConfig({}, env),
  propeller: (env: Record<string, string>) => loadPropellerConfig({}, env),
} as const;

describe("deploy/k8s", () => {
  const controlPlane = build(join(k8s, "base"));
  const cluster = build(join(k8s, "clusters/example"));
  const configMaps = new Map(
    [...controlPlane, ...cluster].filter((m) => m.kind === "ConfigMap").map((m) => [m.metadata.name, (m as unknown as { data: Record<string, string> }).data] as const),
  );
  const services = new Map(
    controlPlane.filter((m) => m.kind === "Service").map((m) => [m.metadata.name, (m as unknown as { spec: { ports: { port: number; targetPort: string }[] } }).spec.ports[0]] as const),
  );

  it("runs every service from the same image, the control plane in base and propeller in each cluster's overlay", () => {
    const names = (manifests: Manifest[]) => containersOf(manifests).map((c) => c.args[1]).sort();
    expect(names(controlPlane)).toEqual(["admin", "cluster-router", "datacatalog"]);
    expect(names(cluster)).toEqual(["propeller"]);
    for (const container of containersOf([...controlPlane, ...cluster])) {
      expect(container.args[0]).toBe("serve");
      expect(Object.keys(servableServices)).toContain(container.args[1]);
    }
  });

  it("gives each container an environment its service accepts, listening on every interface at the port its Service targets", () => {
    for (const container of containersOf([...controlPlane, ...cluster])) {
      const service = container.args[1] as keyof typeof loaders;
      const config = loaders[service](environmentOf(container, configMaps));
      expect(config.host, `${service} host`).toBe("0.0.0.0");
      expect(container.ports.map((p) => p.containerPort), `${service} port`).toEqual([config.port]);
      expect(config.databaseUrl, `${service} database`).toBe(secretValues.DATABASE_URL);
      if (service === "propeller") continue;
      const exposed = services.get(service);
      expect(exposed?.targetPort, `Service ${service}`).toBe(container.ports[0]?.name);
      expect(exposed?.port).toBe(config.port);
    }
  });

  it("points admin at the router and propeller at the control plane's Services", () => {
    const inCluster = (url: string) => {
      const { hostname, port } = new URL(url);
      const name = hostname.replace(/\.skein\.svc\.cluster\.local$/, "");
      return { name, port: Number(port), served: services.get(name)?.port };
    };
    const [admin] = containersOf(controlPlane).filter((c) => c.args[1] === "admin");
    if (admin === undefined) throw new Error("no admin container");
    const router = inCluster(loadAdminConfig({}, environmentOf(admin, configMaps)).routerEndpoint ?? "");
    expect(router.name).toBe("cluster-router");
    expect(router.port).toBe(router.served);
    for (const container of containersOf(cluster)) {
      const config = loadPropellerConfig({}, environmentOf(container, configMaps));
      const dialed = [config.adminEndpoint, config.routerEndpoint, config.datacatalogEndpoint].map(inCluster);
      expect(dialed.map((d) => d.name)).toEqual(["admin", "cluster-router", "datacatalog"]);
      for (const d of dialed) expect(d.port, `${d.name} port`).toBe(d.served);
      expect(config.clusterId).not.toBe("");
    }
  });

  it("caps every heap well inside its container's memory limit", () => {
    for (const container of containersOf([...controlPlane, ...cluster])) {
      const options = environmentOf(container, configMaps).NODE_OPTIONS ?? "";
      const heap = /--max-old-space-size=(\d+)/.exec(options);
      expect(heap, `${container.name} sets a heap cap`).not.toBeNull();
      // The young generation comes on top of the old space's cap: three semi-spaces at most.
      const semi = Number(/--max-semi-space-size=(\d+)/.exec(options)?.[1] ?? 16);
      expect(Number(heap?.[1]) + 3 * semi, `${container.name} heap`).toBeLessThanOrEqual(mebibytes(container.resources.limits.memory) * 0.75);
    }
  });

  it("refuses a manifest setting its service cannot parse, naming the variable", () => {
    const [propeller] = containersOf(cluster);
    if (propeller === undefined) throw new Error("no propeller container");
    const env = { ...environmentOf(propeller, configMaps), SKEIN_PROPELLER_WORKERS: "many" };
    expect(() => loadPropellerConfig({}, env)).toThrow(/SKEIN_PROPELLER_WORKERS/);
  });
});
