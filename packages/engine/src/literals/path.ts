// Paths name the place of a problem the way users write it: `inputs.grid[2].lr`, `m["a key"]`.

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The path of member `key` of the value at `path`. */
export function memberPath(path: string, key: string): string {
  return identifier.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The path of element `index` of the list at `path`. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}
