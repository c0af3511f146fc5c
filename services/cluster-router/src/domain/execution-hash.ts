// A stable 64-bit hash of an execution id. It seeds the weighted cluster pick (so an execution
// asking again, or another router replica, draws the same cluster from the same set) and spreads
// executions over the shards of a cluster's propellers.

const fnvOffset = 0xcbf29ce484222325n;
const fnvPrime = 0x100000001b3n;
const mask64 = 0xffffffffffffffffn;
// One encoder for every hash: hashing runs per Assign and, for sharded watchers, per change.
const utf8 = new TextEncoder();

/** FNV-1a, 64-bit, over the UTF-8 bytes of `text`. */
export function fnv1a64(text: string): bigint {
  let hash = fnvOffset;
  for (const byte of utf8.encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * fnvPrime) & mask64;
  }
  return hash;
}

/**
 * The splitmix64 finalizer. FNV-1a of names that differ only in their last characters differ
 * mostly in the low bits' neighbours; mixing spreads every input bit over the whole word, so
 * `hash % n` is close to uniform for sequential names such as `run-1`, `run-2`, ...
 */
function mix64(value: bigint): bigint {
  let z = value & mask64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask64;
  return z ^ (z >> 31n);
}

/** The identifying parts of a workflow execution. */
export interface ExecutionKey {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** `project/domain/name`, the form used in messages and as the hash input. */
export function executionKeyText(key: ExecutionKey): string {
  return `${key.project}/${key.domain}/${key.name}`;
}

/** The execution's well-mixed 64-bit hash. */
export function executionHash(key: ExecutionKey): bigint {
  return mix64(fnv1a64(executionKeyText(key)));
}

/** The shard (0..count-1) an execution belongs to among `count` shards; 0 when unsharded. */
export function shardOf(key: ExecutionKey, count: number): number {
  return count <= 1 ? 0 : Number(executionHash(key) % BigInt(count));
}
