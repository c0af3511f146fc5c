export {
  blobLiteral, boolLiteral, datetimeLiteral, floatLiteral, intLiteral, listLiteral, literalMap, mapLiteral, noneLiteral, stringLiteral,
  structLiteral, unionLiteral,
} from "./builders.js";
export { canonicalLiteralJson, canonicalLiteralMapJson } from "./canonical-literal.js";
export { checkLiteralMap } from "./check-map.js";
export { checkLiteral, literalFits } from "./check.js";
export { describeLiteral } from "./describe-literal.js";
export { cacheKey, hashLiteralMap, hashMessage, sha256Base64Url } from "./hash.js";
export type { CacheKey } from "./hash.js";
export { selectUnionVariant } from "./union-variant.js";
