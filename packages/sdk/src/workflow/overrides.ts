import { DefinitionError } from "../definition-error.js";
import { resourceOption, retryOption, timeoutOption, type DurationInput, type ResourceOption, type RetryOption } from "../options.js";
import type { NodeBuilder } from "./node.js";

/** Settings of one node that replace those of what it runs. */
export interface NodeOverrides {
  /** Display name (the node id is set with `.named()`). */
  readonly name?: string;
  readonly retries?: RetryOption;
  readonly timeout?: DurationInput;
  readonly interruptible?: boolean;
  /** `false` turns caching off for this node; an object turns it on with this version. */
  readonly cache?: false | { readonly version: string; readonly serialize?: boolean };
  /** Task nodes only. */
  readonly resources?: ResourceOption;
  /** Task nodes only: the container image. */
  readonly image?: string;
}

const known = new Set(["name", "retries", "timeout", "interruptible", "cache", "resources", "image"]);

export function applyOverrides(node: NodeBuilder, overrides: NodeOverrides): void {
  const what = `${node.scope.graph.owner}: node "${node.id}": with`;
  for (const key of Object.keys(overrides)) {
    if (!known.has(key)) throw new DefinitionError(`${what}.${key}: unknown override (known: ${[...known].join(", ")})`);
  }
  const target = node.overridable;
  const metadata = { ...target.metadata };
  if (overrides.name !== undefined) metadata.name = overrides.name;
  if (overrides.retries !== undefined) metadata.retries = retryOption(overrides.retries, `${what}.retries`);
  if (overrides.timeout !== undefined) metadata.timeout = timeoutOption(overrides.timeout, `${what}.timeout`);
  if (overrides.interruptible !== undefined) metadata.interruptibleValue = { case: "interruptible", value: overrides.interruptible };
  if (overrides.cache === false) metadata.cacheableValue = { case: "cacheable", value: false };
  else if (overrides.cache !== undefined) {
    if (typeof overrides.cache.version !== "string" || overrides.cache.version === "") {
      throw new DefinitionError(`${what}.cache.version: a cache version is required (a non-empty string)`);
    }
    metadata.cacheableValue = { case: "cacheable", value: true };
    metadata.cacheVersionValue = { case: "cacheVersion", value: overrides.cache.version };
    if (overrides.cache.serialize !== undefined) metadata.cacheSerializableValue = { case: "cacheSerializable", value: overrides.cache.serialize };
  }
  target.metadata = metadata;
  if (overrides.resources === undefined && overrides.image === undefined) return;
  if (!target.taskOverrides) throw new DefinitionError(`${what}: resources and image apply to task nodes only, and this node runs ${node.what}`);
  if (overrides.resources !== undefined) target.taskOverrides.resources = resourceOption(overrides.resources, `${what}.resources`);
  if (overrides.image !== undefined) {
    if (overrides.image === "") throw new DefinitionError(`${what}.image: must not be empty`);
    target.taskOverrides.containerImage = overrides.image;
  }
}
