import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ParameterMapSchema, VariableMapSchema, type Literal, type LiteralType, type ParameterMap, type ParameterSchema, type VariableMap, type VariableSchema } from "@skein/idl";
import { z } from "zod";
import { DefinitionError, variableNamePattern } from "../definition-error.js";
import { LiteralConversionError, noneLiteral, toLiteral } from "./convert.js";
import { acceptsNone } from "./literal-types.js";
import { literalTypeOf, UnsupportedSchemaError } from "./literal-type-of.js";

// From the `inputs`/`outputs` records of a definition to the interface messages: variables with
// types and descriptions, and the values bound when a caller leaves an input out.

/** Named schemas: the inputs or outputs of a definition. */
export type Shape = Readonly<Record<string, z.ZodType>>;

/** Outputs as written: one schema (a single output named `o0`), a record of named outputs, or none. */
export type OutputSpec = z.ZodType | Shape | undefined;

export const SINGLE_OUTPUT = "o0";

/** The outputs as named schemas, and whether they were written as one schema. */
export function outputShape(outputs: OutputSpec): { shape: Shape; single: boolean } {
  if (outputs === undefined) return { shape: {}, single: false };
  if (outputs instanceof z.ZodType) return { shape: { [SINGLE_OUTPUT]: outputs }, single: true };
  return { shape: outputs, single: false };
}

/** The variables of `shape`; errors name `owner` ("task \"x\"") and the variable. */
export function variableMap(shape: Shape, side: "inputs" | "outputs", owner: string): VariableMap {
  const variables: Record<string, MessageInitShape<typeof VariableSchema>> = {};
  for (const [name, schema] of Object.entries(shape)) {
    if (!variableNamePattern.test(name)) {
      throw new DefinitionError(`${owner}: ${side}.${name}: invalid name: use a letter or "_" first, then letters, digits or "_" (at most 63)`);
    }
    if (!(schema instanceof z.ZodType)) throw new DefinitionError(`${owner}: ${side}.${name}: expected a type from t (t.string(), t.int(), ...)`);
    variables[name] = { type: typeOf(schema, `${owner}: ${side}.${name}`), description: descriptionOf(schema) };
  }
  return create(VariableMapSchema, { variables });
}

function typeOf(schema: z.ZodType, path: string): LiteralType {
  try {
    return literalTypeOf(schema, path);
  } catch (error) {
    if (error instanceof UnsupportedSchemaError) throw new DefinitionError(error.message);
    throw error;
  }
}

// Wrappers (optional, default, ...) may carry the description, or the schema they wrap.
function descriptionOf(schema: z.core.$ZodType): string {
  for (let s: z.core.$ZodType | undefined = schema; s; s = innerOf(s)) {
    const description = z.globalRegistry.get(s)?.description;
    if (description) return description;
  }
  return "";
}

function innerOf(schema: z.core.$ZodType): z.core.$ZodType | undefined {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  const wrapper = def.type === "optional" || def.type === "nullable" || def.type === "default" || def.type === "prefault" || def.type === "readonly";
  return wrapper ? def.innerType : undefined;
}

/** The `.default(v)` value of a schema (found through optional/nullable wrappers), if any. */
export function defaultOf(schema: z.core.$ZodType): { value: unknown } | undefined {
  for (let s: z.core.$ZodType | undefined = schema; s; s = innerOf(s)) {
    const def = (s as z.core.$ZodTypes)._zod.def;
    if (def.type === "default") return { value: def.defaultValue };
  }
  return undefined;
}

/**
 * The literal bound for each input a caller may leave out: its default, or none for an optional
 * input. Inputs absent from the result are required.
 */
export function omittableInputs(shape: Shape, variables: VariableMap, owner: string): Map<string, Literal> {
  const result = new Map<string, Literal>();
  for (const [name, schema] of Object.entries(shape)) {
    const type = variables.variables[name]?.type;
    if (!type) continue;
    const fallback = defaultOf(schema);
    if (fallback) result.set(name, defaultLiteral(fallback.value, schema, type, `${owner}: inputs.${name}: default`));
    else if (acceptsNone(type)) result.set(name, noneLiteral());
  }
  return result;
}

function defaultLiteral(value: unknown, schema: z.ZodType, type: LiteralType, path: string): Literal {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DefinitionError(`${path}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  try {
    return toLiteral(parsed.data, type, path);
  } catch (error) {
    if (error instanceof LiteralConversionError) throw new DefinitionError(error.message);
    throw error;
  }
}

/** Workflow or launch plan parameters: each input required, or with its default (optional inputs default to none). */
export function parameterMap(variables: VariableMap, omittable: ReadonlyMap<string, Literal>): ParameterMap {
  const parameters: Record<string, MessageInitShape<typeof ParameterSchema>> = {};
  for (const [name, variable] of Object.entries(variables.variables)) {
    const fallback = omittable.get(name);
    parameters[name] = {
      var: variable,
      behavior: fallback ? { case: "default", value: fallback } : { case: "required", value: true },
    };
  }
  return create(ParameterMapSchema, { parameters });
}
