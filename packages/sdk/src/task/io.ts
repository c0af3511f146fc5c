import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, type Literal, type LiteralMap, type TypedInterface } from "@skein/idl";
import { z } from "zod";
import { adaptToSchema } from "../types/adapt.js";
import { fromLiteral, LiteralConversionError, toLiteral } from "../types/convert.js";
import { SINGLE_OUTPUT, type Shape } from "../types/interface.js";
import { TaskValidationError } from "./errors.js";

// Between literals and the JavaScript values a task function sees: literals are read exactly,
// reshaped the way each schema wants them, then parsed by the schemas (which apply defaults and
// refinements); results are parsed by the output schemas and written back as literals.

/** What converting a task's inputs and outputs needs to know. */
export interface TaskIo {
  /** `task "train"`, for messages. */
  readonly owner: string;
  readonly interface: TypedInterface;
  readonly inputSchemas: Shape;
  readonly outputSchemas: Shape;
  readonly singleOutput: boolean;
}

// The object schemas over a task's inputs and outputs, built once per shape: building one is cheap,
// but zod compiles a new schema on its first parse, and a warm worker parses on every call.
const inputObjects = new WeakMap<Shape, z.ZodObject>();
const outputObjects = new WeakMap<Shape, z.ZodObject>();

function objectOf(cache: WeakMap<Shape, z.ZodObject>, shape: Shape, build: (shape: Shape) => z.ZodObject): z.ZodObject {
  let schema = cache.get(shape);
  if (schema === undefined) {
    schema = build(shape);
    cache.set(shape, schema);
  }
  return schema;
}

function issuesText(error: z.ZodError, side: string): string {
  return error.issues.map((issue) => `${[side, ...issue.path.map(String)].join(".")}: ${issue.message}`).join("; ");
}

function conversion<T>(io: TaskIo, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof LiteralConversionError) throw new TaskValidationError(`${io.owner}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** The input values for the task function; throws TaskValidationError naming the input. */
export function decodeInputs(io: TaskIo, inputs: LiteralMap): Record<string, unknown> {
  const variables = io.interface.inputs?.variables ?? {};
  const unknown = Object.keys(inputs.literals).filter((name) => !(name in variables));
  if (unknown.length > 0) throw new TaskValidationError(`${io.owner}: unknown inputs ${unknown.join(", ")} (inputs: ${Object.keys(variables).join(", ") || "none"})`);
  const raw: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(variables)) {
    const literal = inputs.literals[name];
    const schema = io.inputSchemas[name];
    if (!literal || !variable.type || !schema) continue;
    const type = variable.type;
    raw[name] = adaptToSchema(conversion(io, () => fromLiteral(literal, type, `inputs.${name}`)), schema);
  }
  const parsed = objectOf(inputObjects, io.inputSchemas, (shape) => z.object(shape)).safeParse(raw);
  if (!parsed.success) throw new TaskValidationError(`${io.owner}: ${issuesText(parsed.error, "inputs")}`);
  return parsed.data;
}

/** The output literals for what the task function returned; throws TaskValidationError naming the output. */
export function encodeOutputs(io: TaskIo, returned: unknown): LiteralMap {
  const variables = io.interface.outputs?.variables ?? {};
  const names = Object.keys(variables);
  if (names.length === 0) return create(LiteralMapSchema);
  let values: Record<string, unknown>;
  if (io.singleOutput) {
    const schema = io.outputSchemas[SINGLE_OUTPUT];
    const parsed = schema?.safeParse(returned);
    if (parsed && !parsed.success) throw new TaskValidationError(`${io.owner}: the returned value does not fit the output: ${issuesText(parsed.error, "output")}`);
    values = { [SINGLE_OUTPUT]: parsed?.data };
  } else {
    if (typeof returned !== "object" || returned === null) {
      throw new TaskValidationError(`${io.owner}: expected an object with outputs ${names.join(", ")}, got ${returned === null ? "null" : typeof returned}`);
    }
    const parsed = objectOf(outputObjects, io.outputSchemas, (shape) => z.strictObject(shape)).safeParse(returned);
    if (!parsed.success) throw new TaskValidationError(`${io.owner}: ${issuesText(parsed.error, "outputs")}`);
    values = parsed.data;
  }
  const literals: Record<string, Literal> = {};
  for (const [name, variable] of Object.entries(variables)) {
    const type = variable.type;
    if (!type) continue;
    const path = io.singleOutput ? "output" : `outputs.${name}`;
    literals[name] = conversion(io, () => toLiteral(values[name], type, path));
  }
  return create(LiteralMapSchema, { literals });
}
