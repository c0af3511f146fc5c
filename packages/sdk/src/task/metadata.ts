import type { MessageInitShape } from "@bufbuild/protobuf";
import { RuntimeType, type ResourcesSchema, type TaskMetadataSchema } from "@skein/idl";
import { DefinitionError } from "../definition-error.js";
import { resourceOption, retryOption, timeoutOption, type DurationInput, type ResourceOption, type RetryOption } from "../options.js";

/** The SDK version recorded in every task template. */
export const SDK_VERSION = "0.1.0";

/** Cache outputs by inputs. `version` is part of the cache key: change it to invalidate. */
export interface CacheOption {
  readonly version: string;
  /** Let one execution compute a missing entry while others with the same inputs wait. */
  readonly serialize?: boolean;
  /** Inputs left out of the cache key. */
  readonly ignoreInputs?: readonly string[];
}

/**
 * TaskTemplate.config key: `"warm"` when the task's attempts may run in a warm worker (a
 * long-lived process per code bundle) of the process backend; absent for fresh processes.
 */
export const WORKERS_CONFIG_KEY = "skein.workers";

/** How a task's attempts run on the process backend: a new process each (`fresh`), or in a warm worker. */
export type WorkersOption = "fresh" | "warm";

/** Run-time options shared by every kind of task. */
export interface RunOptions {
  readonly cache?: CacheOption | true;
  readonly retries?: RetryOption;
  readonly timeout?: DurationInput;
  readonly interruptible?: boolean;
  readonly resources?: ResourceOption;
  readonly image?: string;
  readonly env?: Readonly<Record<string, string>>;
  /**
   * `"fresh"` (the default): every attempt in a new process. `"warm"`: attempts may run one after
   * another in a long-lived worker process that keeps the code loaded, saving the process start
   * but sharing memory and globals between attempts.
   */
  readonly workers?: WorkersOption;
}

/** The template config entries for `workers`: none for fresh, so it leaves existing versions as they were. */
export function workersConfig(options: RunOptions, owner: string, type: string): Record<string, string> {
  const workers: unknown = options.workers;
  if (workers === undefined || workers === "fresh") return {};
  if (workers !== "warm") {
    // JSON names strings, numbers, booleans, null and plain objects; functions and symbols have no JSON.
    const got = typeof workers === "function" || typeof workers === "symbol" ? `a ${typeof workers}` : JSON.stringify(workers);
    throw new DefinitionError(`${owner}: workers: expected "fresh" or "warm", got ${got}`);
  }
  if (type === "container") throw new DefinitionError(`${owner}: workers: "warm" needs a TypeScript task; a container task always runs in a fresh process`);
  return { [WORKERS_CONFIG_KEY]: "warm" };
}

export function taskMetadata(options: RunOptions, owner: string, inputs: readonly string[]): MessageInitShape<typeof TaskMetadataSchema> {
  const metadata: MessageInitShape<typeof TaskMetadataSchema> = { runtime: { type: RuntimeType.SKEIN_SDK, version: SDK_VERSION, flavor: "node" } };
  const cache = options.cache;
  if (cache === true) throw new DefinitionError(`${owner}: cache: true needs an explicit version: use cache: { version: "1" } and change the version to invalidate`);
  if (cache !== undefined) {
    if (typeof cache.version !== "string" || cache.version === "" || cache.version.length > 128) {
      throw new DefinitionError(`${owner}: cache.version: expected a non-empty string of at most 128 characters, got ${JSON.stringify(cache.version)}`);
    }
    for (const name of cache.ignoreInputs ?? []) {
      if (!inputs.includes(name)) throw new DefinitionError(`${owner}: cache.ignoreInputs names "${name}", which is not an input (inputs: ${inputs.join(", ") || "none"})`);
    }
    metadata.discoverable = true;
    metadata.discoveryVersion = cache.version;
    metadata.cacheSerializable = cache.serialize ?? false;
    metadata.cacheIgnoreInputVars = [...(cache.ignoreInputs ?? [])];
  }
  if (options.retries !== undefined) metadata.retries = retryOption(options.retries, `${owner}: retries`);
  if (options.timeout !== undefined) metadata.timeout = timeoutOption(options.timeout, `${owner}: timeout`);
  if (options.interruptible !== undefined) metadata.interruptibleValue = { case: "interruptible", value: options.interruptible };
  return metadata;
}

/** The container settings built from the options. */
export interface ContainerInit {
  image: string;
  env: { key: string; value: string }[];
  resources?: MessageInitShape<typeof ResourcesSchema>;
}

/**
 * The container settings, or undefined when none are given. An empty image means the default
 * image, chosen when the task is registered.
 */
export function taskContainer(options: RunOptions, owner: string): ContainerInit | undefined {
  if (options.image === undefined && options.env === undefined && options.resources === undefined) return undefined;
  if (options.image !== undefined && (typeof options.image !== "string" || options.image === "")) {
    throw new DefinitionError(`${owner}: image: expected a non-empty image reference`);
  }
  const env = Object.entries(options.env ?? {}).map(([key, value]) => {
    if (key === "" || typeof value !== "string") throw new DefinitionError(`${owner}: env.${key}: expected a non-empty name and a string value`);
    return { key, value };
  });
  const container: ContainerInit = { image: options.image ?? "", env };
  if (options.resources !== undefined) container.resources = resourceOption(options.resources, `${owner}: resources`);
  return container;
}
