// A persistent string-keyed map (a hash array mapped trie). `set` and `delete` copy only the
// path to the changed entry, O(log32 n), and share everything else with the previous version. This
// is what lets the engine return a new execution state per event without copying thousands of
// node states, while every state it ever handed out stays valid and unchanged.

const BITS = 5;
const MASK = 0x1f;

class Leaf<V> {
  constructor(readonly hash: number, readonly key: string, readonly value: V) {}
}

// Keys whose 32-bit hashes are equal live side by side.
class Collision<V> {
  constructor(readonly hash: number, readonly leaves: readonly Leaf<V>[]) {}
}

class Branch<V> {
  constructor(readonly bitmap: number, readonly children: readonly Trie<V>[]) {}
}

type Trie<V> = Leaf<V> | Collision<V> | Branch<V>;

function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function popcount(x: number): number {
  let n = x - ((x >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

function lookup<V>(root: Trie<V> | undefined, hash: number, key: string): V | undefined {
  let node = root;
  let shift = 0;
  while (node !== undefined) {
    if (node instanceof Branch) {
      const bit = 1 << ((hash >>> shift) & MASK);
      if ((node.bitmap & bit) === 0) return undefined;
      node = node.children[popcount(node.bitmap & (bit - 1))];
      shift += BITS;
    } else if (node instanceof Leaf) {
      return node.key === key ? node.value : undefined;
    } else {
      return node.hash === hash ? node.leaves.find((l) => l.key === key)?.value : undefined;
    }
  }
  return undefined;
}

// Two entries with different hashes, placed under a new branch at `shift` (they differ in some
// 5-bit level at or below 30, so this terminates before the hash runs out).
function merge<V>(a: Leaf<V> | Collision<V>, b: Leaf<V>, shift: number): Branch<V> {
  const ia = (a.hash >>> shift) & MASK;
  const ib = (b.hash >>> shift) & MASK;
  if (ia === ib) return new Branch(1 << ia, [merge(a, b, shift + BITS)]);
  return new Branch((1 << ia) | (1 << ib), ia < ib ? [a, b] : [b, a]);
}

function insert<V>(node: Trie<V> | undefined, shift: number, leaf: Leaf<V>, added: { value: boolean }): Trie<V> {
  if (node === undefined) {
    added.value = true;
    return leaf;
  }
  if (node instanceof Leaf) {
    if (node.key === leaf.key) return node.value === leaf.value ? node : leaf;
    added.value = true;
    return node.hash === leaf.hash ? new Collision(leaf.hash, [node, leaf]) : merge(node, leaf, shift);
  }
  if (node instanceof Collision) {
    if (node.hash !== leaf.hash) {
      added.value = true;
      return merge(node, leaf, shift);
    }
    const at = node.leaves.findIndex((l) => l.key === leaf.key);
    if (at < 0) {
      added.value = true;
      return new Collision(node.hash, [...node.leaves, leaf]);
    }
    if (node.leaves[at]?.value === leaf.value) return node;
    return new Collision(node.hash, node.leaves.map((l, i) => (i === at ? leaf : l)));
  }
  const bit = 1 << ((leaf.hash >>> shift) & MASK);
  const at = popcount(node.bitmap & (bit - 1));
  if ((node.bitmap & bit) === 0) {
    added.value = true;
    const children = node.children.slice();
    children.splice(at, 0, leaf);
    return new Branch(node.bitmap | bit, children);
  }
  const child = node.children[at];
  const next = insert(child, shift + BITS, leaf, added);
  if (next === child) return node;
  const children = node.children.slice();
  children[at] = next;
  return new Branch(node.bitmap, children);
}

function remove<V>(node: Trie<V>, shift: number, hash: number, key: string): Trie<V> | undefined {
  if (node instanceof Leaf) return node.key === key ? undefined : node;
  if (node instanceof Collision) {
    if (node.hash !== hash || !node.leaves.some((l) => l.key === key)) return node;
    const rest = node.leaves.filter((l) => l.key !== key);
    return rest.length === 1 ? rest[0] : new Collision(hash, rest);
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  if ((node.bitmap & bit) === 0) return node;
  const at = popcount(node.bitmap & (bit - 1));
  const child = node.children[at];
  if (child === undefined) return node;
  const next = remove(child, shift + BITS, hash, key);
  if (next === child) return node;
  const children = node.children.slice();
  if (next === undefined) children.splice(at, 1);
  else children[at] = next;
  if (children.length === 0) return undefined;
  // A lone leaf needs no branch above it: lookups compare keys once they reach a leaf.
  const only = children.length === 1 ? children[0] : undefined;
  if (only !== undefined && !(only instanceof Branch)) return only;
  return new Branch(next === undefined ? node.bitmap & ~bit : node.bitmap, children);
}

function* walk<V>(node: Trie<V> | undefined): Generator<[string, V]> {
  if (node === undefined) return;
  if (node instanceof Leaf) yield [node.key, node.value];
  else if (node instanceof Collision) for (const l of node.leaves) yield [l.key, l.value];
  else for (const child of node.children) yield* walk(child);
}

// Keys whose values differ between two tries. Subtrees shared by identity are skipped, so the cost
// follows the number of changes (times the depth), not the size of the maps.
function diffTries<V>(prev: Trie<V> | undefined, next: Trie<V> | undefined, changed: string[], removed: string[]): void {
  if (prev === next) return;
  if (prev instanceof Branch && next instanceof Branch) {
    const bits = prev.bitmap | next.bitmap;
    for (let i = 0; i < 32; i++) {
      const bit = 1 << i;
      if ((bits & bit) === 0) continue;
      const a = (prev.bitmap & bit) === 0 ? undefined : prev.children[popcount(prev.bitmap & (bit - 1))];
      const b = (next.bitmap & bit) === 0 ? undefined : next.children[popcount(next.bitmap & (bit - 1))];
      diffTries(a, b, changed, removed);
    }
    return;
  }
  const before = new Map(walk(prev));
  for (const [key, value] of walk(next)) {
    if (before.get(key) !== value || !before.has(key)) changed.push(key);
    before.delete(key);
  }
  for (const key of before.keys()) removed.push(key);
}

/** An immutable map from strings to `V`; every update returns a new map sharing structure. */
export class PersistentMap<V> {
  private static readonly emptyMap = new PersistentMap<never>(undefined, 0);

  private constructor(private readonly root: Trie<V> | undefined, readonly size: number) {}

  static empty<V>(): PersistentMap<V> {
    return PersistentMap.emptyMap;
  }

  static from<V>(entries: Iterable<readonly [string, V]>): PersistentMap<V> {
    let map = PersistentMap.empty<V>();
    for (const [k, v] of entries) map = map.set(k, v);
    return map;
  }

  get(key: string): V | undefined {
    return lookup(this.root, hashKey(key), key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** A map with `key` bound to `value`; this map itself when nothing changes. */
  set(key: string, value: V): PersistentMap<V> {
    const added = { value: false };
    const root = insert(this.root, 0, new Leaf(hashKey(key), key, value), added);
    return root === this.root ? this : new PersistentMap(root, added.value ? this.size + 1 : this.size);
  }

  delete(key: string): PersistentMap<V> {
    if (this.root === undefined) return this;
    const root = remove(this.root, 0, hashKey(key), key);
    return root === this.root ? this : new PersistentMap(root, this.size - 1);
  }

  /**
   * Keys bound to a different value (by identity) than in `previous`, and keys `previous` had that
   * this map has not. Proportional to the changes when this map was derived from `previous`.
   */
  changedKeys(previous: PersistentMap<V>): { changed: string[]; removed: string[] } {
    const changed: string[] = [];
    const removed: string[] = [];
    diffTries(previous.root, this.root, changed, removed);
    return { changed, removed };
  }

  /** Entries in hash order: deterministic, but not insertion order. */
  entries(): IterableIterator<[string, V]> {
    return walk(this.root);
  }

  keys(): IterableIterator<string> {
    return (function* (it) {
      for (const [k] of it) yield k;
    })(walk(this.root));
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return walk(this.root);
  }
}
