import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Literal, LiteralMap, Scalar } from "@skein/idl";
import { durationMs } from "../format";

/** A literal made readable: JSON-like values, with files and offloaded values kept distinct. */
export type Readable =
  | { readonly kind: "value"; readonly text: string }
  | { readonly kind: "list"; readonly items: readonly Readable[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [string, Readable])[] }
  | { readonly kind: "struct"; readonly value: unknown }
  | { readonly kind: "file"; readonly uri: string; readonly format: string }
  | { readonly kind: "offloaded"; readonly uri: string; readonly sizeBytes: bigint }
  | { readonly kind: "error"; readonly nodeId: string; readonly message: string };

export function readableMap(map: LiteralMap | undefined): readonly (readonly [string, Readable])[] {
  if (map === undefined) return [];
  return Object.keys(map.literals).sort().map((name) => [name, readable(map.literals[name])] as const);
}

export function readable(literal: Literal | undefined): Readable {
  if (literal === undefined) return { kind: "value", text: "(missing)" };
  const v = literal.value;
  switch (v.case) {
    case "scalar":
      return readableScalar(v.value);
    case "collection":
      return { kind: "list", items: v.value.literals.map(readable) };
    case "map":
      return { kind: "map", entries: readableMap(v.value) };
    case "offloaded":
      return { kind: "offloaded", uri: v.value.uri, sizeBytes: v.value.sizeBytes };
    case undefined:
      return { kind: "value", text: "(empty)" };
  }
}

function readableScalar(scalar: Scalar): Readable {
  const v = scalar.value;
  switch (v.case) {
    case "primitive": {
      const p = v.value.value;
      switch (p.case) {
        case "integer":
          return { kind: "value", text: p.value.toString() };
        case "floatValue":
          return { kind: "value", text: String(p.value) };
        case "stringValue":
          return { kind: "value", text: JSON.stringify(p.value) };
        case "boolean":
          return { kind: "value", text: String(p.value) };
        case "datetime":
          return { kind: "value", text: timestampDate(p.value).toISOString() };
        case "duration":
          return { kind: "value", text: `${durationMs(p.value) / 1000}s` };
        case undefined:
          return { kind: "value", text: "(empty)" };
      }
      break;
    }
    case "blob":
      return { kind: "file", uri: v.value.uri, format: v.value.metadata?.type?.format ?? "" };
    case "binary":
      return { kind: "value", text: `${v.value.value.length} bytes${v.value.tag === "" ? "" : ` (${v.value.tag})`}` };
    case "structValue":
      return { kind: "struct", value: parseJson(v.value.json) };
    case "noneType":
      return { kind: "value", text: "none" };
    case "error":
      return { kind: "error", nodeId: v.value.failedNodeId, message: v.value.message };
    case "union":
      return readable(v.value.value);
    case undefined:
      return { kind: "value", text: "(empty)" };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
