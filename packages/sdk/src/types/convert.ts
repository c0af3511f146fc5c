// Conversion between JavaScript values and literals, both directions, exact.
export { fromLiteral } from "./from-literal.js";
export { noneLiteral, scalarLiteral, toLiteral } from "./to-literal.js";
export { describeValue, LiteralConversionError } from "./conversion-error.js";
