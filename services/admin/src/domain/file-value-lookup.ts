import { Code, ConnectError } from "@connectrpc/connect";
import { assertNever } from "@skein/engine";
import { BlobDimensionality, type Literal, type LiteralMap } from "@skein/idl";
import { invalidArgument, notFound } from "@skein/server";

/** A file value found in recorded data: where its bytes are and what the type says they hold. */
export interface FileValue {
  readonly uri: string;
  /** The blob's declared format (`csv`, `txt`, ...); empty when any. */
  readonly format: string;
}

/** Reads the literal an offloaded literal points at; refuses (with a Connect code) what it may not read. */
export type OffloadedReader = (uri: string) => Promise<Literal>;

/**
 * The file that `variable`, followed by `path` (a list index or a map key per step), names in
 * `map`. Offloaded values are read through `readOffloaded`, unions are looked through. `where`
 * names the map in messages, e.g. `outputs of node n0`.
 *
 * Errors carry their Connect code: NotFound for a variable, index or key that is absent,
 * InvalidArgument for a path that does not fit the value (a step into a scalar, a value that is no
 * file), PermissionDenied for a directory (admin serves single files).
 */
export async function findFileValue(map: LiteralMap, variable: string, path: readonly string[], where: string, readOffloaded: OffloadedReader): Promise<FileValue> {
  let literal: Literal | undefined = map.literals[variable];
  if (literal === undefined) throw notFound(`variable "${variable}" in the ${where}`);
  let at = variable;
  for (let step = 0; ; step++) {
    const value: Literal = await unwrap(literal, readOffloaded);
    const next = path[step];
    if (next === undefined) return fileOf(value, at);
    switch (value.value.case) {
      case "collection": {
        const items = value.value.value.literals;
        if (!/^(0|[1-9][0-9]*)$/.test(next)) throw invalidArgument("path", `${at} is a list, so step ${step + 1} must be an index (0, 1, ...), got "${next}"`);
        const index = Number(next);
        literal = items[index];
        if (literal === undefined) throw notFound(`${at}[${next}] (the list has ${items.length} items)`);
        at = `${at}[${next}]`;
        break;
      }
      case "map": {
        const entries = value.value.value.literals;
        literal = Object.hasOwn(entries, next) ? entries[next] : undefined;
        if (literal === undefined) throw notFound(`key ${JSON.stringify(next)} of ${at}`);
        at = `${at}[${JSON.stringify(next)}]`;
        break;
      }
      case "scalar":
      case "offloaded":
      case undefined:
        throw invalidArgument("path", `${at} is ${kindOf(value)}, which has no elements for step ${step + 1} ("${next}")`);
      default:
        return assertNever(value.value, "literal");
    }
  }
}

/** The literal itself, with offloaded values read and unions opened, until it is a value. */
async function unwrap(literal: Literal, readOffloaded: OffloadedReader): Promise<Literal> {
  let value = literal;
  for (let depth = 0; depth < 16; depth++) {
    if (value.value.case === "offloaded") value = await readOffloaded(value.value.value.uri);
    else if (value.value.case === "scalar" && value.value.value.value.case === "union" && value.value.value.value.value.value !== undefined) {
      value = value.value.value.value.value.value;
    } else return value;
  }
  throw invalidArgument("path", "the value nests offloaded values or unions more than 16 deep");
}

function fileOf(value: Literal, at: string): FileValue {
  if (value.value.case !== "scalar" || value.value.value.value.case !== "blob") {
    throw invalidArgument("path", `${at} is ${kindOf(value)}, not a file${value.value.case === "collection" || value.value.case === "map" ? ": add a path step to pick one element" : ""}`);
  }
  const blob = value.value.value.value.value;
  const type = blob.metadata?.type;
  if (type?.dimensionality === BlobDimensionality.MULTIPART) {
    throw new ConnectError(`${at} is a directory (${blob.uri}); admin serves single files only`, Code.PermissionDenied);
  }
  return { uri: blob.uri, format: type?.format ?? "" };
}

function kindOf(value: Literal): string {
  switch (value.value.case) {
    case "collection":
      return "a list";
    case "map":
      return "a map";
    case "scalar":
      return value.value.value.value.case === "structValue" ? "a struct (JSON, which holds no files)" : `a ${value.value.value.value.case ?? "empty"} value`;
    case "offloaded":
      return "an offloaded value";
    case undefined:
      return "an empty value";
    default:
      return assertNever(value.value, "literal");
  }
}
