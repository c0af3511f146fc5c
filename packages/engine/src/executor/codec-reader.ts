import { fromJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";

// Reads untrusted JSON (a persisted execution state) field by field; every problem names the
// field's path, e.g. `state.nodes[3][1].detail.kind`.

export interface Reader {
  number(key: string): number;
  optionalNumber(key: string): number | undefined;
  string(key: string): string;
  boolean(key: string): boolean;
  /** A boolean, or undefined when the field is absent (rows written before the field existed). */
  optionalBoolean(key: string): boolean | undefined;
  oneOf<const T extends string>(key: string, values: readonly T[]): T;
  /** A value of a numeric enum (the generated enum object). */
  enumValue<E extends number>(key: string, values: Record<string, string | E>): E;
  optionalEnumValue<E extends number>(key: string, values: Record<string, string | E>): E | undefined;
  object<T>(key: string, read: (r: Reader) => T): T;
  optional<T>(key: string, read: (r: Reader) => T): T | undefined;
  message<D extends DescMessage>(key: string, schema: D): MessageShape<D>;
  optionalMessage<D extends DescMessage>(key: string, schema: D): MessageShape<D> | undefined;
  strings(key: string): string[];
  /** An array of `[key, value]` pairs. */
  entries<T>(key: string, read: (value: Reader) => T): [string, T][];
  asNumber(): number;
  asStrings(): string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A reader over `value`, found at `path`; errors start with `decoder` (the public function reading). */
export function reader(value: unknown, path: string, decoder = "decodeState"): Reader {
  const fail = (where: string, problem: string): never => {
    throw new Error(`${decoder}: ${where} ${problem}`);
  };
  const sub = (v: unknown, where: string): Reader => reader(v, where, decoder);
  const field = (key: string): unknown => {
    return isRecord(value) ? value[key] : fail(path, "must be an object");
  };
  const at = (key: string): string => `${path}.${key}`;
  const num = (v: unknown, where: string): number => (typeof v === "number" && Number.isFinite(v) ? v : fail(where, "must be a number"));
  const strs = (v: unknown, where: string): string[] =>
    Array.isArray(v) && v.every((s) => typeof s === "string") ? v : fail(where, "must be a list of strings");
  const msg = <D extends DescMessage>(v: unknown, where: string, schema: D): MessageShape<D> => {
    try {
      return fromJson(schema, v as JsonValue);
    } catch (e) {
      return fail(where, `is not a valid ${schema.typeName} (${(e as Error).message})`);
    }
  };
  const r: Reader = {
    number: (key) => num(field(key), at(key)),
    optionalNumber: (key) => {
      const v = field(key);
      return v === undefined || v === null ? undefined : num(v, at(key));
    },
    string: (key) => {
      const v = field(key);
      return typeof v === "string" ? v : fail(at(key), "must be a string");
    },
    boolean: (key) => {
      const v = field(key);
      return typeof v === "boolean" ? v : fail(at(key), "must be a boolean");
    },
    optionalBoolean: (key) => {
      const v = field(key);
      return v === undefined || typeof v === "boolean" ? v : fail(at(key), "must be a boolean");
    },
    oneOf: (key, values) => {
      const v = field(key);
      const found = values.find((x) => x === v);
      return found ?? fail(at(key), `must be one of ${values.join(", ")}`);
    },
    enumValue: <E extends number>(key: string, values: Record<string, string | E>): E => {
      const v = field(key);
      const found = Object.values(values).find((x): x is E => typeof x === "number" && x === v);
      return found ?? fail(at(key), "must be a known enum value");
    },
    optionalEnumValue: <E extends number>(key: string, values: Record<string, string | E>): E | undefined => {
      const v = field(key);
      return v === undefined || v === null ? undefined : r.enumValue(key, values);
    },
    object: (key, read) => read(sub(field(key), at(key))),
    optional: (key, read) => {
      const v = field(key);
      return v === undefined || v === null ? undefined : read(sub(v, at(key)));
    },
    message: (key, schema) => msg(field(key), at(key), schema),
    optionalMessage: (key, schema) => {
      const v = field(key);
      return v === undefined || v === null ? undefined : msg(v, at(key), schema);
    },
    strings: (key) => strs(field(key), at(key)),
    entries: (key, read) => {
      const v = field(key);
      if (!Array.isArray(v)) return fail(at(key), "must be a list of [key, value] pairs");
      return v.map((pair: unknown, i): [string, ReturnType<typeof read>] => {
        const where = `${at(key)}[${i}]`;
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") return fail(where, "must be a [key, value] pair");
        return [pair[0], read(sub(pair[1], `${where}[1]`))];
      });
    },
    asNumber: () => num(value, path),
    asStrings: () => strs(value, path),
  };
  return r;
}
