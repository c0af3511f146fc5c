/**
 * A task, workflow or launch plan definition that cannot be built: a bad name, option, type or
 * default. The message names the entity and the offending field.
 */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DefinitionError";
  }
}

/** Entity names: a letter or underscore, then letters, digits, `_`, `.`, `-`; at most 255. */
export const entityNamePattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,254}$/;

/** Input, output and signal-value names. */
export const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Node ids and signal ids. */
export const nodeIdPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

export function checkEntityName(kind: string, name: unknown): string {
  if (typeof name !== "string" || !entityNamePattern.test(name)) {
    throw new DefinitionError(
      `${kind} name ${JSON.stringify(name)} is invalid: use a letter or "_" first, then letters, digits, "_", "." or "-" (at most 255 characters)`,
    );
  }
  return name;
}
