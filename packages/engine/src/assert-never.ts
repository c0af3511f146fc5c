/** Ends an exhaustive switch: the compiler proves `value` cannot exist, the runtime reports it if it does. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
