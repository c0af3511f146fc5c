export { blobType, enumType, listType, mapType, optionalType, simpleType, structType, taggedType, unionType } from "./builders.js";
export { canonicalJson, compareCodePoints, JsonValueError } from "./canonical-json.js";
export { canonicalTypeJson } from "./canonical-type.js";
export { blobCastable, isCastable, isNoneType, simpleKind } from "./castable.js";
export { describeType } from "./describe-type.js";
export { typesEqual } from "./equal.js";
export { isStructSchemaCastable } from "./struct-castable.js";
