// Shared quotas for backend plugins: a namespace names one limited resource (a warehouse's
// concurrent queries, an API's parallel jobs) and each attempt that uses it holds one token.
// Propeller allocates before `create` and releases after `delete`; a token carries a lease, so
// tokens of a propeller that died come back once their lease runs out.

/** The outcome of an allocation. Only "granted" means the token holds a slot. */
export type AllocationStatus = "granted" | "exhausted" | "project-quota-exceeded";

/** A limit for one project within a namespace's quota. */
export interface ProjectConstraint {
  /** The project the token is charged to. */
  readonly id: string;
  /** At most this many of the namespace's tokens may belong to the project at once. */
  readonly max: number;
}

export interface AllocationRequest {
  /** How many tokens the namespace holds at most, over all projects. */
  readonly quota: number;
  readonly constraints?: {
    /** Charges the token to a project and caps that project's share. */
    readonly project?: ProjectConstraint;
  };
}

/**
 * Hands out at most `quota` tokens per namespace. Every call is idempotent: allocating a token that
 * already holds a slot answers "granted" again and renews its lease (the project it was charged to
 * stays that of its first grant); releasing a token that holds none changes nothing.
 *
 * A token that is not renewed within the lease is dropped at the next allocation in its namespace,
 * so a holder must allocate again (for instance on every round over its attempt) while it needs it.
 */
export interface ResourceQuotas {
  allocate(namespace: string, token: string, request: AllocationRequest): Promise<AllocationStatus>;
  release(namespace: string, token: string): Promise<void>;
  /** How many tokens hold a live lease in the namespace now. */
  used(namespace: string): Promise<number>;
}

/** Raised for a malformed call; the message names the argument and what is wrong with it. */
export class ResourceQuotaRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResourceQuotaRequestError";
  }
}

/** Default lease of a token: long enough to span several propeller rounds. */
export const defaultQuotaLeaseMs = 120_000;

const maxNameLength = 256;

function checkName(problems: string[], field: string, value: string, extra?: RegExp): void {
  if (value.length === 0) problems.push(`${field} must not be empty`);
  else if (value.length > maxNameLength) problems.push(`${field} must be at most ${maxNameLength} characters, got ${value.length}`);
  else if (extra?.test(value)) problems.push(`${field} "${value}" must not contain braces or whitespace`);
}

function checkCount(problems: string[], field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) problems.push(`${field} must be a non-negative integer, got ${value}`);
}

/** Namespaces become part of Redis keys; braces would break their hash tag. */
const unsafeNamespace = /[{}\s]/;

export function checkNamespace(namespace: string): void {
  const problems: string[] = [];
  checkName(problems, "namespace", namespace, unsafeNamespace);
  if (problems.length > 0) throw new ResourceQuotaRequestError(problems.join("; "));
}

export function checkRelease(namespace: string, token: string): void {
  const problems: string[] = [];
  checkName(problems, "namespace", namespace, unsafeNamespace);
  checkName(problems, "token", token);
  if (problems.length > 0) throw new ResourceQuotaRequestError(problems.join("; "));
}

/** Checks an allocation's arguments, reporting every problem at once. */
export function checkAllocation(namespace: string, token: string, request: AllocationRequest): void {
  const problems: string[] = [];
  checkName(problems, "namespace", namespace, unsafeNamespace);
  checkName(problems, "token", token);
  checkCount(problems, "quota", request.quota);
  const project = request.constraints?.project;
  if (project) {
    checkName(problems, "constraints.project.id", project.id);
    checkCount(problems, "constraints.project.max", project.max);
  }
  if (problems.length > 0) throw new ResourceQuotaRequestError(`cannot allocate token "${token}" in "${namespace}": ${problems.join("; ")}`);
}

export function checkLeaseMs(leaseMs: number): void {
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) throw new ResourceQuotaRequestError(`leaseMs must be a positive integer, got ${leaseMs}`);
}
