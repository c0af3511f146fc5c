import { clone, create, equals } from "@bufbuild/protobuf";
import { LiteralSchema, SimpleType, TaskTemplateSchema, TypedInterfaceSchema, type Literal, type LiteralMap, type TaskTemplate } from "@skein/idl";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listType, simpleType } from "../types/builders.js";
import { anyLiteral, namedLiterals } from "./arbitraries.test-util.js";
import { floatLiteral, intLiteral, listLiteral, literalMap, mapLiteral, stringLiteral } from "./builders.js";
import { canonicalLiteralJson } from "./canonical-literal.js";
import { cacheKey, hashLiteralMap, hashMessage } from "./hash.js";

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (seed * (i + 7)) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function reordered(entries: Record<string, Literal>, seed: number): LiteralMap {
  return literalMap(Object.fromEntries(shuffled(Object.entries(entries), seed)));
}

// Drops metadata everywhere, so protobuf equality compares values only.
function withoutMetadata(literal: Literal): Literal {
  const copy = clone(LiteralSchema, literal);
  const visit = (l: Literal): void => {
    l.metadata = {};
    if (l.value.case === "collection") l.value.value.literals.forEach(visit);
    if (l.value.case === "map") Object.values(l.value.value.literals).forEach(visit);
    if (l.value.case === "scalar" && l.value.value.value.case === "union" && l.value.value.value.value.value) visit(l.value.value.value.value.value);
  };
  visit(copy);
  return copy;
}

describe("canonicalLiteralJson", () => {
  it("writes integers exactly and tells ints, floats and strings apart", () => {
    expect(canonicalLiteralJson(intLiteral(2n ** 63n - 1n))).toBe(`{"int":9223372036854775807}`);
    expect(canonicalLiteralJson(intLiteral(2n ** 63n - 2n))).not.toBe(canonicalLiteralJson(intLiteral(2n ** 63n - 1n)));
    expect(canonicalLiteralJson(intLiteral(1))).not.toBe(canonicalLiteralJson(floatLiteral(1)));
    expect(canonicalLiteralJson(intLiteral(1))).not.toBe(canonicalLiteralJson(stringLiteral("1")));
    expect(canonicalLiteralJson(floatLiteral(Number.NaN))).toBe(`{"float":"NaN"}`);
    expect(canonicalLiteralJson(floatLiteral(-0))).not.toBe(canonicalLiteralJson(floatLiteral(0)));
  });

  it("sorts map keys and ignores metadata", () => {
    const a = mapLiteral({ b: intLiteral(1), a: intLiteral(2) });
    const b = mapLiteral({ a: intLiteral(2), b: intLiteral(1) });
    b.metadata = { source: "somewhere" };
    expect(canonicalLiteralJson(a)).toBe(`{"map":{"a":{"int":2},"b":{"int":1}}}`);
    expect(canonicalLiteralJson(b)).toBe(canonicalLiteralJson(a));
  });

  it("stands a hashed literal for its hash, at any depth, and an offloaded literal for its hash or uri", () => {
    const big = listLiteral([intLiteral(1), intLiteral(2)]);
    big.hash = "h1";
    expect(canonicalLiteralJson(big)).toBe(`{"hash":"h1"}`);
    expect(canonicalLiteralJson(listLiteral([big]))).toBe(`{"list":[{"hash":"h1"}]}`);
    const offloaded = create(LiteralSchema, { value: { case: "offloaded", value: { uri: "s3://b/k", hash: "h2" } } });
    expect(canonicalLiteralJson(offloaded)).toBe(`{"hash":"h2"}`);
    if (offloaded.value.case === "offloaded") offloaded.value.value.hash = "";
    expect(canonicalLiteralJson(offloaded)).toBe(`{"uri":"s3://b/k"}`);
  });

  it("gives equal text exactly to equal values (metadata aside)", () => {
    fc.assert(fc.property(anyLiteral, anyLiteral, (a, b) => {
      const same = canonicalLiteralJson(a) === canonicalLiteralJson(b);
      expect(same).toBe(equals(LiteralSchema, withoutMetadata(a), withoutMetadata(b)));
    }));
  });
});

describe("hashLiteralMap", () => {
  it("is base64url sha256 without padding, and stable across releases", () => {
    const digest = hashLiteralMap(literalMap({ x: intLiteral(1), y: stringLiteral("a") }));
    expect(digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Golden value: changing it invalidates every cache entry ever written.
    expect(digest).toBe(hashLiteralMap(literalMap({ y: stringLiteral("a"), x: intLiteral(1) })));
    expect(digest).toBe("e2APHJRyj_V5tL-EcVrSChOTkbQHjiu1aaqDsp9WXIQ");
  });

  it("never depends on key or insertion order", () => {
    fc.assert(fc.property(namedLiterals, fc.nat(), (entries, seed) => {
      expect(hashLiteralMap(reordered(entries, seed))).toBe(hashLiteralMap(literalMap(entries)));
    }));
  });

  it("changes when any value changes", () => {
    fc.assert(fc.property(namedLiterals, fc.string({ maxLength: 4 }), anyLiteral, (entries, name, value) => {
      const before = entries[name];
      const changed = literalMap({ ...entries, [name]: value });
      const sameValue = before !== undefined && canonicalLiteralJson(before) === canonicalLiteralJson(value);
      expect(hashLiteralMap(changed) === hashLiteralMap(literalMap(entries))).toBe(sameValue);
    }));
  });

  it("leaves out ignored inputs, and only those", () => {
    fc.assert(fc.property(namedLiterals, anyLiteral, anyLiteral, (entries, a, b) => {
      const ignored = "ignored_input";
      const withA = literalMap({ ...entries, [ignored]: a });
      const withB = literalMap({ ...entries, [ignored]: b });
      expect(hashLiteralMap(withA, [ignored])).toBe(hashLiteralMap(literalMap(entries)));
      expect(hashLiteralMap(withA, [ignored])).toBe(hashLiteralMap(withB, [ignored]));
      expect(hashLiteralMap(withA)).not.toBe(hashLiteralMap(literalMap(entries)));
    }));
  });
});

describe("hashMessage", () => {
  it("depends on content only, not on map insertion order", () => {
    const a = create(TypedInterfaceSchema, { inputs: { variables: { x: { type: simpleType(SimpleType.INTEGER) }, y: { type: listType(simpleType(SimpleType.STRING)) } } } });
    const b = create(TypedInterfaceSchema, { inputs: { variables: { y: { type: listType(simpleType(SimpleType.STRING)) }, x: { type: simpleType(SimpleType.INTEGER) } } } });
    expect(hashMessage(TypedInterfaceSchema, a)).toBe(hashMessage(TypedInterfaceSchema, b));
    b.inputs!.variables.x!.type = simpleType(SimpleType.FLOAT);
    expect(hashMessage(TypedInterfaceSchema, a)).not.toBe(hashMessage(TypedInterfaceSchema, b));
  });
});

describe("cacheKey", () => {
  function task(overrides: { version?: string; cacheVersion?: string; inputType?: SimpleType; outputType?: SimpleType; description?: string } = {}): TaskTemplate {
    return create(TaskTemplateSchema, {
      id: { project: "p", domain: "d", name: "train", version: overrides.version ?? "v1" },
      type: "container",
      metadata: { discoverable: true, discoveryVersion: overrides.cacheVersion ?? "1.0", cacheIgnoreInputVars: ["seed"] },
      interface: {
        inputs: { variables: { lr: { type: simpleType(overrides.inputType ?? SimpleType.FLOAT), description: overrides.description ?? "" }, seed: { type: simpleType(SimpleType.INTEGER) } } },
        outputs: { variables: { model: { type: simpleType(overrides.outputType ?? SimpleType.STRING) } } },
      },
    });
  }
  const inputs = literalMap({ lr: floatLiteral(0.1), seed: intLiteral(1) });

  it("names the dataset after the task and versions it by cache version and interface", () => {
    const key = cacheKey(task(), inputs);
    expect(key.dataset.project).toBe("p");
    expect(key.dataset.domain).toBe("d");
    expect(key.dataset.name).toBe("task-train");
    expect(key.dataset.version).toMatch(/^1\.0-[A-Za-z0-9_-]{8}-[A-Za-z0-9_-]{8}$/);
    expect(key.tag).toBe(`cached-${hashLiteralMap(literalMap({ lr: floatLiteral(0.1) }))}`);
  });

  it("keeps the key across task versions, description edits and type metadata", () => {
    expect(cacheKey(task({ version: "v2" }), inputs)).toEqual(cacheKey(task(), inputs));
    expect(cacheKey(task({ description: "learning rate" }), inputs)).toEqual(cacheKey(task(), inputs));
    const noted = task();
    noted.interface!.outputs!.variables.model!.type!.metadata = { fields: { sdk: { kind: { case: "stringValue", value: "x" } } } };
    expect(cacheKey(noted, inputs)).toEqual(cacheKey(task(), inputs));
  });

  it("changes the key with the cache version, the interface or an input, but not an ignored input", () => {
    const base = cacheKey(task(), inputs);
    expect(cacheKey(task({ cacheVersion: "2.0" }), inputs).dataset.version).not.toBe(base.dataset.version);
    expect(cacheKey(task({ inputType: SimpleType.STRING }), inputs).dataset.version).not.toBe(base.dataset.version);
    expect(cacheKey(task({ outputType: SimpleType.INTEGER }), inputs).dataset.version).not.toBe(base.dataset.version);
    expect(cacheKey(task(), literalMap({ lr: floatLiteral(0.2), seed: intLiteral(1) })).tag).not.toBe(base.tag);
    expect(cacheKey(task(), literalMap({ lr: floatLiteral(0.1), seed: intLiteral(99) }))).toEqual(base);
  });

  it("refuses tasks that are not cacheable or have no cache version", () => {
    const off = task();
    off.metadata!.discoverable = false;
    expect(() => cacheKey(off, inputs)).toThrow(/task "train" is not cacheable \(metadata.discoverable is false\)/);
    expect(() => cacheKey(task({ cacheVersion: "" }), inputs)).toThrow(/task "train" .*cache version\) is empty/);
    const anonymous = task();
    anonymous.id = undefined;
    expect(() => cacheKey(anonymous, inputs)).toThrow(/task.id.name is required/);
  });
});
