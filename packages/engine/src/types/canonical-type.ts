import { BlobDimensionality, type LiteralType } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { simpleKind } from "./castable.js";

/**
 * The canonical JSON text of a type: what the type checker sees and nothing else. Metadata and
 * annotations are left out (they are never type-checked); structure tags stay (they tell union
 * variants apart). Unspecified simple types are written as none and unspecified blob
 * dimensionality as single, so equivalent spellings give the same text. Struct schemas are taken
 * as their text (the type builders write canonical JSON).
 */
export function canonicalTypeJson(type: LiteralType | undefined): string {
  if (!type) return "null";
  const tag = type.structure?.tag ?? "";
  const body = writeKind(type);
  return tag === "" ? body : `{"tag":${JSON.stringify(tag)},"type":${body}}`;
}

function writeKind(type: LiteralType): string {
  const t = type.type;
  switch (t.case) {
    case "simple":
      return `{"simple":${simpleKind(t.value)}}`;
    case "blob": {
      const dir = t.value.dimensionality === BlobDimensionality.MULTIPART;
      return `{"blob":{"dir":${dir},"format":${JSON.stringify(t.value.format)}}}`;
    }
    case "collectionType":
      return `{"list":${canonicalTypeJson(t.value)}}`;
    case "mapValueType":
      return `{"map":${canonicalTypeJson(t.value)}}`;
    case "enumType":
      return `{"enum":${JSON.stringify(t.value.values)}}`;
    case "unionType": {
      let out = `{"union":[`;
      const variants = t.value.variants;
      for (let i = 0; i < variants.length; i++) out += (i > 0 ? "," : "") + canonicalTypeJson(variants[i]);
      return out + "]}";
    }
    case "structType":
      return `{"struct":${JSON.stringify(t.value.jsonSchema)}}`;
    case undefined:
      return "null";
    default:
      return assertNever(t, "literal type");
  }
}
