import { ResourceAmountError } from "./resource-error.js";

/**
 * A resource amount in Kubernetes quantity syntax ("500m", "2", "1.5Gi", "1e3"), held exactly as
 * the fraction numerator / denominator so that any two amounts compare without rounding.
 */
export interface Quantity {
  /** The amount as written; kept so that results echo what users wrote. */
  readonly text: string;
  readonly numerator: bigint;
  readonly denominator: bigint;
}

// The same language as skein.core.v1.ResourceEntry.value: a plain decimal, then at most one of an
// exponent, a decimal SI suffix or a binary suffix. No sign: amounts are never negative.
const syntax = /^(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))(?:[eE]([+-]?[0-9]+)|([numkMGTPE])|([KMGTPE])i)?$/;

const decimalSuffix: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffix: Readonly<Record<string, bigint>> = { K: 10n, M: 20n, G: 30n, T: 40n, P: 50n, E: 60n };

// Exponents past this are refused rather than turned into numbers of unbounded size.
const maxExponent = 100;

/** Parses an amount; ResourceAmountError naming `field` when it is not a quantity or is out of range. */
export function parseQuantity(text: string, field: string): Quantity {
  const match = syntax.exec(text);
  if (match === null) throw new ResourceAmountError(field, `${JSON.stringify(text)} is not a quantity such as "500m", "2", "1Gi" or "512Mi"`);
  const [, whole, fraction, bareFraction, exponent, decimal, binary] = match;
  const fractionDigits = bareFraction ?? fraction ?? "";
  let scale = -fractionDigits.length;
  if (exponent !== undefined) {
    const e = Number(exponent);
    if (Math.abs(e) > maxExponent) throw new ResourceAmountError(field, `${JSON.stringify(text)} has an exponent beyond ±${maxExponent}`);
    scale += e;
  }
  if (decimal !== undefined) scale += decimalSuffix[decimal] ?? 0;
  const digits = BigInt(`${whole ?? ""}${fractionDigits}` || "0");
  const twos = binary === undefined ? 1n : 2n ** (binarySuffix[binary] ?? 0n);
  return {
    text,
    numerator: digits * twos * (scale > 0 ? 10n ** BigInt(scale) : 1n),
    denominator: scale < 0 ? 10n ** BigInt(-scale) : 1n,
  };
}

/** Negative when a < b, zero when equal ("1k" and "1000"), positive when a > b. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The smaller of two amounts; `a` when they are equal. */
export function minQuantity(a: Quantity, b: Quantity): Quantity {
  return compareQuantities(b, a) < 0 ? b : a;
}
