import type { LiteralMap } from "@skein/idl";
import { fromLiteral, type RunnableEntity } from "@skein/sdk";
import { outputTypes } from "./entity-info.js";
import { formatValue, toJsonText } from "./format.js";

/**
 * How `skein run` prints a finished execution's outputs, locally or remotely: decoded by the
 * entity's declared types (a missing output shows as null), as indented JSON with `--json`, else
 * the bare value of a single output or one `name: value` line per output.
 */
export function outputsText(entity: RunnableEntity, outputs: LiteralMap | undefined, json: boolean): string {
  const values = Object.fromEntries(
    Object.entries(outputTypes(entity)).map(([name, type]) => {
      const literal = outputs?.literals[name];
      return [name, literal ? fromLiteral(literal, type) : null];
    }),
  );
  if (json) return `${toJsonText(values, 2)}\n`;
  const names = Object.keys(values);
  if (names.length === 1) return `${formatValue(values[names[0] ?? ""])}\n`;
  return names.map((name) => `${name}: ${formatValue(values[name])}\n`).join("");
}
