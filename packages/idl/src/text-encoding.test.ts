import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { getTextEncoding } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { IdentifierSchema, ResourceType } from "./index.js";
import { decodeUtf8, encodeUtf8 } from "./text-encoding.js";

const samples = ["", "a", "say_hello", "x".repeat(64), "x".repeat(65), "déjà vu", "名前", "🙂", "a\u0000b", "\u007f", "\u0080", "lone \ud800 surrogate", "é".repeat(40)];

describe("text encoding", () => {
  it("encodes every string to the bytes the platform encoder gives", () => {
    const platform = new TextEncoder();
    for (const text of samples) expect([...encodeUtf8(text)], JSON.stringify(text)).toEqual([...platform.encode(text)]);
  });

  it("decodes every encoding back, and refuses invalid UTF-8 when strict like the platform", () => {
    for (const text of samples) {
      const bytes = new TextEncoder().encode(text);
      expect(decodeUtf8(bytes, true), JSON.stringify(text)).toBe(new TextDecoder().decode(bytes));
    }
    const invalid = new Uint8Array([0x61, 0xff, 0x62]);
    expect(() => decodeUtf8(invalid, true)).toThrow();
    expect(decodeUtf8(invalid, false)).toBe(new TextDecoder().decode(invalid));
  });

  it("is what messages are written and read with", () => {
    const id = create(IdentifierSchema, { resourceType: ResourceType.TASK, project: "demo", domain: "développement", name: "say_hello", version: "v".repeat(100) });
    const bytes = toBinary(IdentifierSchema, id);
    expect(fromBinary(IdentifierSchema, bytes)).toEqual(id);
    expect(getTextEncoding().encodeUtf8).toBe(encodeUtf8);
    expect(getTextEncoding().decodeUtf8).toBe(decodeUtf8);
  });
});
