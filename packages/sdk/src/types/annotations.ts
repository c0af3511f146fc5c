import { z } from "zod";

// What a zod schema alone cannot tell: that a number is a duration, that an object is a file
// reference, and so on. Builders in `t` record it here. zod registries follow clones through
// `_zod.parent`, so `.describe()`, `.meta()` and refinements keep the tag.

export type TypeTag =
  | { readonly kind: "duration" }
  | { readonly kind: "bytes" }
  | { readonly kind: "error" }
  | { readonly kind: "file" | "dir"; readonly format: string };

export const typeTags = z.registry<TypeTag>();

export function tagged<S extends z.ZodType>(schema: S, tag: TypeTag): S {
  typeTags.add(schema, tag);
  return schema;
}
