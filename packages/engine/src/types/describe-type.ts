import { BlobDimensionality, SimpleType, type LiteralType } from "@skein/idl";

const simpleNames: Record<SimpleType, string> = {
  [SimpleType.UNSPECIFIED]: "none",
  [SimpleType.NONE]: "none",
  [SimpleType.INTEGER]: "int",
  [SimpleType.FLOAT]: "float",
  [SimpleType.STRING]: "string",
  [SimpleType.BOOLEAN]: "boolean",
  [SimpleType.DATETIME]: "datetime",
  [SimpleType.DURATION]: "duration",
  [SimpleType.BINARY]: "bytes",
  [SimpleType.ERROR]: "error",
  [SimpleType.STRUCT]: "struct",
};

/**
 * A literal type as users write it in messages: `int`, `list<string>`, `map<string, float>`,
 * `enum{red|green}`, `file`, `dir`, `struct`, `optional<int>`, `union<int|string>`.
 */
export function describeType(type: LiteralType | undefined): string {
  if (!type) return "unknown";
  const t = type.type;
  switch (t.case) {
    case "simple":
      return simpleNames[t.value];
    case "blob": {
      const kind = t.value.dimensionality === BlobDimensionality.MULTIPART ? "dir" : "file";
      return t.value.format ? `${kind}(${t.value.format})` : kind;
    }
    case "collectionType":
      return `list<${describeType(t.value)}>`;
    case "mapValueType":
      return `map<string, ${describeType(t.value)}>`;
    case "enumType":
      return `enum{${t.value.values.join("|")}}`;
    case "unionType": {
      const variants = t.value.variants;
      const none = variants.filter((v) => v.type.case === "simple" && (v.type.value === SimpleType.NONE || v.type.value === SimpleType.UNSPECIFIED));
      if (none.length === 1 && variants.length === 2) {
        const other = variants.find((v) => !none.includes(v));
        return `optional<${describeType(other)}>`;
      }
      return `union<${variants.map((v) => describeType(v)).join("|")}>`;
    }
    case "structType": {
      const title = structTitle(t.value.jsonSchema);
      return title ? `struct ${title}` : "struct";
    }
    case undefined:
      return "unknown";
  }
}

function structTitle(jsonSchema: string): string | undefined {
  if (!jsonSchema) return undefined;
  try {
    const parsed = JSON.parse(jsonSchema) as { title?: unknown };
    return typeof parsed.title === "string" ? parsed.title : undefined;
  } catch {
    return undefined;
  }
}
