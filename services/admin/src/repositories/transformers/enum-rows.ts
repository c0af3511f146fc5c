/**
 * The inverse of a total map from enum values to their stored names: which enum value a stored
 * name stands for. Each name must be stored for exactly one value.
 */
export function enumsByRow<E extends number, R extends string>(rows: Readonly<Record<E, R>>): ReadonlyMap<R, E> {
  return new Map(Object.entries<R>(rows).map(([value, row]) => [row, Number(value) as E]));
}
