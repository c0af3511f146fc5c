import { timestampDate } from "@bufbuild/protobuf/wkt";
import { BlobDimensionality, type Literal, type LiteralMap, type Scalar } from "@skein/idl";
import { durationMs } from "../format";

/** A literal made readable: JSON-like values, with files and offloaded values kept distinct. */
export type Readable =
  | { readonly kind: "value"; readonly text: string }
  | { readonly kind: "list"; readonly items: readonly Readable[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [string, Readable])[] }
  | { readonly kind: "struct"; readonly value: unknown }
  | { readonly kind: "file"; readonly uri: string; readonly format: string; readonly dir: boolean; readonly href?: string }
  | { readonly kind: "offloaded"; readonly uri: string; readonly sizeBytes: bigint }
  | { readonly kind: "error"; readonly nodeId: string; readonly message: string };

/** Where admin serves files that recorded data names (a node's file values, its attempts' logs). */
export const filesBasePath = "/files";

/** A node execution's inputs or outputs, whose file values admin serves by reference. */
export interface ValueSource {
  readonly project: string;
  readonly domain: string;
  readonly execution: string;
  readonly nodeId: string;
  readonly io: "inputs" | "outputs";
}

/** One attempt of a node's task, whose logs admin serves by name. */
export interface AttemptSource {
  readonly project: string;
  readonly domain: string;
  readonly execution: string;
  readonly nodeId: string;
  readonly attempt: number;
}

/**
 * The download link of the file `variable` holds, `path` stepping into lists (indexes) and maps
 * (keys): a path on the console's own origin, so it works under any host.
 */
export function fileValueHref(source: ValueSource, variable: string, path: readonly string[] = []): string {
  const query = new URLSearchParams({ project: source.project, domain: source.domain, execution: source.execution, node: source.nodeId, io: source.io, var: variable });
  for (const step of path) query.append("path", step);
  return `${filesBasePath}/value?${query.toString()}`;
}

/** The link that opens a log of an attempt through admin (for logs the browser cannot open itself). */
export function logHref(source: AttemptSource, name: string): string {
  const query = new URLSearchParams({ project: source.project, domain: source.domain, execution: source.execution, node: source.nodeId, attempt: String(source.attempt), log: name });
  return `${filesBasePath}/log?${query.toString()}`;
}

/** Whether the browser opens a log's uri itself (http, https); others go through {@link logHref}. */
export function opensDirectly(uri: string): boolean {
  return /^https?:\/\//i.test(uri);
}

/** Where a literal sits in a node's data, so its files get download links. */
interface Place {
  readonly source: ValueSource;
  readonly variable: string;
  readonly path: readonly string[];
}

const inside = (place: Place | undefined, step: string): Place | undefined => (place === undefined ? undefined : { ...place, path: [...place.path, step] });

/** The entries of a map by name; with `source`, every single file among them carries its download link. */
export function readableMap(map: LiteralMap | undefined, source?: ValueSource): readonly (readonly [string, Readable])[] {
  if (map === undefined) return [];
  return Object.keys(map.literals).sort().map((name) => [name, readable(map.literals[name], source === undefined ? undefined : { source, variable: name, path: [] })] as const);
}

function readableEntries(map: LiteralMap, place: Place | undefined): readonly (readonly [string, Readable])[] {
  return Object.keys(map.literals).sort().map((key) => [key, readable(map.literals[key], inside(place, key))] as const);
}

export function readable(literal: Literal | undefined, place?: Place): Readable {
  if (literal === undefined) return { kind: "value", text: "(missing)" };
  const v = literal.value;
  switch (v.case) {
    case "scalar":
      return readableScalar(v.value, place);
    case "collection":
      return { kind: "list", items: v.value.literals.map((item, i) => readable(item, inside(place, String(i)))) };
    case "map":
      return { kind: "map", entries: readableEntries(v.value, place) };
    case "offloaded":
      return { kind: "offloaded", uri: v.value.uri, sizeBytes: v.value.sizeBytes };
    case undefined:
      return { kind: "value", text: "(empty)" };
  }
}

function readableScalar(scalar: Scalar, place: Place | undefined): Readable {
  const v = scalar.value;
  switch (v.case) {
    case "primitive": {
      const p = v.value.value;
      switch (p.case) {
        case "integer":
          return { kind: "value", text: p.value.toString() };
        case "floatValue":
          return { kind: "value", text: String(p.value) };
        case "stringValue":
          return { kind: "value", text: JSON.stringify(p.value) };
        case "boolean":
          return { kind: "value", text: String(p.value) };
        case "datetime":
          return { kind: "value", text: timestampDate(p.value).toISOString() };
        case "duration":
          return { kind: "value", text: `${durationMs(p.value) / 1000}s` };
        case undefined:
          return { kind: "value", text: "(empty)" };
      }
      break;
    }
    case "blob": {
      const dir = v.value.metadata?.type?.dimensionality === BlobDimensionality.MULTIPART;
      const file = { kind: "file", uri: v.value.uri, format: v.value.metadata?.type?.format ?? "", dir } as const;
      // Admin serves single files only; a directory keeps just its uri.
      return place === undefined || dir ? file : { ...file, href: fileValueHref(place.source, place.variable, place.path) };
    }
    case "binary":
      return { kind: "value", text: `${v.value.value.length} bytes${v.value.tag === "" ? "" : ` (${v.value.tag})`}` };
    case "structValue":
      return { kind: "struct", value: parseJson(v.value.json) };
    case "noneType":
      return { kind: "value", text: "none" };
    case "error":
      return { kind: "error", nodeId: v.value.failedNodeId, message: v.value.message };
    case "union":
      return readable(v.value.value, place);
    case undefined:
      return { kind: "value", text: "(empty)" };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
