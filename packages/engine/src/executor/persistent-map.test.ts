import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { PersistentMap } from "./persistent-map.js";
import { PersistentQueue } from "./persistent-queue.js";

type Op = { readonly op: "set"; readonly key: string; readonly value: number } | { readonly op: "delete"; readonly key: string };

// Short keys collide in their 5-bit hash slices often; "k32728"/"k261234" and "k32729"/"k261235"
// share their full 32-bit hashes, exercising the collision buckets.
const keyArb = fc.oneof(fc.string({ maxLength: 2 }), fc.constantFrom("a/b/c", "n123", "k32728", "k261234", "k32729", "k261235"));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), key: keyArb, value: fc.integer() }),
  fc.record({ op: fc.constant("delete" as const), key: keyArb }),
);

describe("PersistentMap", () => {
  test("behaves like a Map, and every earlier version stays unchanged", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const model = new Map<string, number>();
        let map = PersistentMap.empty<number>();
        const history: [PersistentMap<number>, Map<string, number>][] = [];
        for (const o of ops) {
          if (o.op === "set") {
            model.set(o.key, o.value);
            map = map.set(o.key, o.value);
          } else {
            model.delete(o.key);
            map = map.delete(o.key);
          }
          history.push([map, new Map(model)]);
        }
        for (const [version, snapshot] of history) {
          expect(version.size).toBe(snapshot.size);
          expect(new Map(version.entries())).toEqual(snapshot);
          for (const [k, v] of snapshot) expect(version.get(k)).toBe(v);
        }
      }),
    );
  });

  test("deleting most of many keys keeps the rest reachable", () => {
    let map = PersistentMap.empty<number>();
    for (let i = 0; i < 5_000; i++) map = map.set(`key${i}`, i);
    for (let i = 0; i < 5_000; i++) {
      if (i % 7 === 0) continue;
      map = map.delete(`key${i}`);
      if (i % 500 === 1) for (let j = 0; j < 5_000; j += 7) expect(map.get(`key${j}`)).toBe(j);
    }
    expect(map.size).toBe(Math.ceil(5_000 / 7));
    for (let j = 0; j < 5_000; j++) expect(map.get(`key${j}`)).toBe(j % 7 === 0 ? j : undefined);
  });

  test("holds many keys, and an unchanged update returns the same map", () => {
    let map = PersistentMap.empty<number>();
    for (let i = 0; i < 50_000; i++) map = map.set(`n${i}`, i);
    expect(map.size).toBe(50_000);
    expect(map.get("n49999")).toBe(49_999);
    expect(map.get("n50000")).toBeUndefined();
    expect(map.set("n7", 7)).toBe(map);
    expect(map.delete("absent")).toBe(map);
    expect([...map.keys()]).toHaveLength(50_000);
  });
});

/** Every key whose value differs by identity or is new, and every key gone: the diff by brute force. */
function naiveDiff<V>(next: PersistentMap<V>, previous: PersistentMap<V>): { changed: string[]; removed: string[] } {
  const changed = [...next.entries()].filter(([k, v]) => !previous.has(k) || previous.get(k) !== v).map(([k]) => k);
  const removed = [...previous.keys()].filter((k) => !next.has(k));
  return { changed: changed.sort(), removed: removed.sort() };
}

function sortedDiff<V>(next: PersistentMap<V>, previous: PersistentMap<V>): { changed: string[]; removed: string[] } {
  const { changed, removed } = next.changedKeys(previous);
  return { changed: changed.sort(), removed: removed.sort() };
}

describe("PersistentMap.changedKeys", () => {
  const box = (v: number): { v: number } => ({ v });
  const big = (): PersistentMap<{ v: number }> => PersistentMap.from(Array.from({ length: 50_000 }, (_, i) => [`n${i}`, box(i)] as const));

  test("a map compared with itself, or with a no-op update of itself, has no changes", () => {
    const map = big();
    const value = map.get("n7");
    expect(map.changedKeys(map)).toEqual({ changed: [], removed: [] });
    expect(value && map.set("n7", value).changedKeys(map)).toEqual({ changed: [], removed: [] });
    expect(map.delete("absent").changedKeys(map)).toEqual({ changed: [], removed: [] });
  });

  test("reports a replaced, an added and a deleted key in a large map, and nothing else", () => {
    const map = big();
    const next = map.set("n42", box(42)).set("fresh", box(-1)).delete("n9");
    expect(sortedDiff(next, map)).toEqual({ changed: ["fresh", "n42"], removed: ["n9"] });
    expect(sortedDiff(map, next)).toEqual({ changed: ["n42", "n9"], removed: ["fresh"] });
  });

  test("compares values by identity: an equal new object is a change, the same object put back is not", () => {
    const map = big();
    const original = map.get("n3");
    if (original === undefined) throw new Error("n3 missing");
    expect(sortedDiff(map.set("n3", box(3)), map).changed).toEqual(["n3"]);
    expect(sortedDiff(map.set("n3", box(0)).set("n3", original), map).changed).toEqual([]);
  });

  test("keys sharing a full hash are told apart", () => {
    const map = PersistentMap.from<number>([["k32728", 1], ["k261234", 2], ["k32729", 3], ["k261235", 4]]);
    expect(sortedDiff(map.set("k261234", 20), map)).toEqual({ changed: ["k261234"], removed: [] });
    expect(sortedDiff(map.delete("k32728"), map)).toEqual({ changed: [], removed: ["k32728"] });
    expect(sortedDiff(map.delete("k32728").delete("k261234"), map)).toEqual({ changed: [], removed: ["k261234", "k32728"] });
  });

  test("against the empty map every key is new, or every key is gone", () => {
    const map = PersistentMap.from(Array.from({ length: 1_000 }, (_, i) => [`k${i}`, i] as const));
    const empty = PersistentMap.empty<number>();
    expect(sortedDiff(map, empty)).toEqual({ changed: [...map.keys()].sort(), removed: [] });
    expect(sortedDiff(empty, map)).toEqual({ changed: [], removed: [...map.keys()].sort() });
  });

  test("matches a brute-force diff after random edits, in both directions and between maps built apart", () => {
    const pool = Array.from({ length: 4 }, (_, i) => box(i));
    const valueArb = fc.nat({ max: pool.length }).map((i) => pool[i] ?? box(i));
    const editArb = fc.oneof(
      fc.record({ op: fc.constant("set" as const), key: keyArb, value: valueArb }),
      fc.record({ op: fc.constant("delete" as const), key: keyArb }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, valueArb), { maxLength: 300 }), fc.array(editArb, { maxLength: 60 }), (initial, edits) => {
        const before = PersistentMap.from(initial);
        let after = before;
        for (const e of edits) after = e.op === "set" ? after.set(e.key, e.value) : after.delete(e.key);
        expect(sortedDiff(after, before)).toEqual(naiveDiff(after, before));
        expect(sortedDiff(before, after)).toEqual(naiveDiff(before, after));
        const rebuilt = PersistentMap.from(before.entries());
        expect(sortedDiff(after, rebuilt)).toEqual(naiveDiff(after, before));
      }),
      { numRuns: 300 },
    );
  });
});

describe("PersistentQueue", () => {
  test("is first in, first out, and earlier versions stay unchanged", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 100 }), (ops) => {
        const model: number[] = [];
        let q = PersistentQueue.empty<number>();
        for (const o of ops) {
          const before = q.toArray();
          if (o === null) {
            const shifted = q.shift();
            expect(shifted?.[0]).toBe(model.shift());
            if (shifted) q = shifted[1];
          } else {
            model.push(o);
            const pushed = q.push(o);
            expect(q.toArray()).toEqual(before);
            q = pushed;
          }
          expect(q.toArray()).toEqual(model);
          expect(q.size).toBe(model.length);
        }
      }),
    );
  });
});
