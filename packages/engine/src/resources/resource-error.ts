/**
 * A resource amount or set of amounts that cannot be used, naming the field at fault. Callers at
 * an API edge turn it into their own error (admin: InvalidArgument with the same text).
 */
export class ResourceAmountError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "ResourceAmountError";
  }
}
