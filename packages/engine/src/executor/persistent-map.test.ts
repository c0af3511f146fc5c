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
