/** A JavaScript value as the CLI prints it: strings bare, everything else as exact JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  return toJsonText(value);
}

/** JSON text that keeps bigints exact, dates as ISO strings and bytes as base64. */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : `__bigint__${v.toString()}`;
    if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
    return v;
  }, indent).replace(/"__bigint__(-?\d+)"/g, "$1");
}
