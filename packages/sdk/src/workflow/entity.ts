import type { Identifier, Literal, TypedInterface } from "@skein/idl";
import type { z } from "zod";
import type { Shape } from "../types/interface.js";
import type { CalledEntity } from "./node.js";
import type { NodeHandle, Ref } from "./ref.js";

/**
 * What every callable definition (task, workflow, launch plan) offers to the body that calls it:
 * its identity, interface, and the values bound for inputs a caller leaves out.
 */
export interface CallableEntity extends CalledEntity {
  readonly kind: "task" | "workflow" | "launchPlan";
  readonly name: string;
  /** The identifier nodes reference; project, domain and version are filled at registration. */
  readonly id: Identifier;
  /** The interface callers bind (for a launch plan: without its fixed inputs). */
  readonly interface: TypedInterface;
  readonly inputSchemas: Shape;
  readonly outputSchemas: Shape;
  /** True when the outputs were declared as one schema (output `o0`). */
  readonly singleOutput: boolean;
  /** The literal bound for each input a caller may leave out. */
  readonly omittable: ReadonlyMap<string, Literal>;
}

type Output<S> = S extends z.ZodType ? z.output<S> : never;
type Input<S> = S extends z.ZodType ? z.input<S> : never;

/** A value for an input: the value itself, a reference, or a list/object holding references. */
export type Bindable<T> =
  | T
  | Ref<T>
  | (T extends readonly (infer E)[] ? readonly Bindable<E>[] : never)
  | (T extends Date | Uint8Array ? never : T extends object ? { readonly [K in keyof T]: Bindable<T[K]> } : never);

type OptionalKeys<I extends Shape> = { [K in keyof I]: undefined extends Input<I[K]> ? K : never }[keyof I];
type RequiredKeys<I extends Shape> = Exclude<keyof I, OptionalKeys<I>>;

/** The inputs of a definition that declares none. */
export type NoInputs = Readonly<Record<string, never>>;

/** The argument of a call in a body: required inputs must be given, inputs with defaults may be. */
export type CallArgs<I extends Shape> = { readonly [K in RequiredKeys<I>]: Bindable<Output<I[K]>> } & { readonly [K in OptionalKeys<I>]?: Bindable<Output<I[K]>> };

/**
 * The call signature of a definition. Declared through a method so that its parameter is checked
 * bivariantly: every specific definition is then assignable to the plain (erased) one.
 */
export type CallSignature<I extends Shape, O extends Outputs> = { call(args: CallArgs<I>): CallResult<O> }["call"];

/** The input values a task function (or dynamic body) receives. */
export type InputValues<I extends Shape> = { readonly [K in keyof I]: Output<I[K]> };

/** The references a workflow body receives for its inputs. */
export type InputRefs<I extends Shape> = { readonly [K in keyof I]: Ref<Output<I[K]>> };

/** Outputs as declared: one schema, a record of schemas, or none. */
export type Outputs = z.ZodType | Shape | undefined;

/** What calling a definition in a body returns: a reference, a record of references, or a handle. */
export type CallResult<O extends Outputs> = O extends z.ZodType
  ? Ref<z.output<O>>
  : O extends Shape
    ? keyof O extends never
      ? NodeHandle
      : { readonly [K in keyof O]: Ref<Output<O[K]>> }
    : NodeHandle;

/** What a task function returns: the single output's value, or an object of named outputs. */
export type OutputValues<O extends Outputs> = O extends z.ZodType
  ? z.input<O>
  : O extends Shape
    ? keyof O extends never
      ? unknown
      : { [K in keyof O]: Input<O[K]> }
    : unknown;

/** What a workflow body returns: like OutputValues, but references may stand for values. */
export type OutputBindings<O extends Outputs> = O extends z.ZodType
  ? Bindable<z.output<O>>
  : O extends Shape
    ? keyof O extends never
      ? unknown
      : { readonly [K in keyof O]: Bindable<Output<O[K]>> }
    : unknown;
