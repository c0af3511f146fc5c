import { Code, ConnectError } from "@connectrpc/connect";
import { assertNever } from "@skein/engine";
import {
  collectEntities,
  contentVersion,
  planRegistration,
  registrationRequests,
  type AdminClient,
  type LoadedModule,
  type PlannedEntity,
  type RegistrationRequest,
} from "@skein/sdk";
import { loadUserModule } from "../run/load-module.js";
import { bundleSources, type SourceBundle } from "./bundle-sources.js";

/** What happened to one entity. */
export type EntityStatus = "registered" | "already registered";

export interface EntityResult {
  readonly kind: "task" | "workflow" | "launch plan";
  readonly name: string;
  readonly status: EntityStatus;
}

/** Everything known before talking to admin: the loaded code, its bundle, the plan and the version. */
export interface PreparedRegistration {
  readonly files: readonly string[];
  readonly source: SourceBundle;
  readonly plan: readonly PlannedEntity[];
  readonly version: string;
  readonly modules: readonly LoadedModule[];
}

export const kindLabel = { task: "task", workflow: "workflow", launchPlan: "launch plan" } as const;

const VERSION = /^[A-Za-z0-9_.=-]{1,128}$/;

/** Whether `version` may be used as an entity version (the identifier's rule). */
export function isValidVersion(version: string): boolean {
  return VERSION.test(version);
}

/**
 * Loads the files, collects what they define (with every workflow's default launch plan and
 * whatever their workflows reach), bundles the code and settles the version: the given one, or
 * a content hash that is the same on every machine for the same code.
 */
export async function prepareRegistration(files: readonly string[], version: string | undefined): Promise<PreparedRegistration> {
  // Loading first reports definition mistakes as they read in `skein run`, before any bundling.
  const loaded = [];
  for (const file of files) loaded.push({ file, entities: collectEntities(await loadUserModule(file)) });
  const source = await bundleSources(files);
  const modules: LoadedModule[] = loaded.map(({ file, entities }) => ({ module: source.modules.get(file) ?? file, entities }));
  const plan = planRegistration(modules);
  return { files, source, plan, modules, version: version ?? contentVersion(source.bundle.sha256, plan) };
}

/** A registration that admin refused, with the results of the entities before it. */
export class RegistrationFailed extends Error {
  constructor(
    readonly entity: { kind: EntityResult["kind"]; name: string },
    readonly results: readonly EntityResult[],
    readonly failure: ConnectError,
  ) {
    super(failure.code === Code.AlreadyExists ? `${entity.kind} "${entity.name}": ${failure.rawMessage}` : failure.rawMessage);
    this.name = "RegistrationFailed";
  }
}

/** The bundle upload's outcome. */
export interface UploadedBundle {
  readonly uri: string;
  readonly created: boolean;
}

/** Uploads the code bundle (idempotent by digest) and returns where admin stored it. */
export async function uploadBundle(client: AdminClient, project: string, domain: string, source: SourceBundle): Promise<UploadedBundle> {
  const response = await client.createCodeBundle({ project, domain, sha256: source.bundle.sha256, content: source.bundle.content });
  return { uri: response.uri, created: response.created };
}

async function send(client: AdminClient, request: RegistrationRequest): Promise<boolean> {
  switch (request.kind) {
    case "task":
      return (await client.createTask(request.request)).created;
    case "workflow":
      return (await client.createWorkflow(request.request)).created;
    case "launchPlan":
      return (await client.createLaunchPlan(request.request)).created;
    default:
      return assertNever(request);
  }
}

/**
 * Registers the plan in order (tasks, then workflows and launch plans after what they use),
 * reporting each entity as it goes. Stops at the first refusal: later entities may depend on it.
 */
export async function registerPlan(
  client: AdminClient,
  prepared: PreparedRegistration,
  target: { project: string; domain: string },
  bundleUri: string,
  onResult: (result: EntityResult) => void,
): Promise<EntityResult[]> {
  const requests = registrationRequests(prepared.plan, { project: target.project, domain: target.domain, version: prepared.version }, bundleUri);
  const results: EntityResult[] = [];
  for (const request of requests) {
    const entity = { kind: kindLabel[request.kind], name: request.id.name };
    let created: boolean;
    try {
      created = await send(client, request);
    } catch (error) {
      if (error instanceof ConnectError && error.code !== Code.Unavailable && error.code !== Code.Unknown) throw new RegistrationFailed(entity, results, error);
      throw error;
    }
    const result: EntityResult = { ...entity, status: created ? "registered" : "already registered" };
    results.push(result);
    onResult(result);
  }
  return results;
}
