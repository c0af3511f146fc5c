import { assertNever } from "@skein/engine";
import { invalidArgument } from "@skein/server";
import { sql, type RawBuilder, type SelectQueryBuilder, type SqlBool } from "kysely";

// The filter grammar of skein/admin/v1/common.proto: predicates `op(key,value)` joined by `+`.
// A list declares the keys it accepts (FilterFields); parseFilters turns the request's string into
// typed conditions, rejecting anything the list does not offer, and applyFilters adds them to a
// kysely query as bound parameters.

export type FilterOperator = "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "contains" | "value_in";

const operators: readonly FilterOperator[] = ["eq", "ne", "gt", "gte", "lt", "lte", "contains", "value_in"];
const ordered: readonly FilterOperator[] = ["eq", "ne", "gt", "gte", "lt", "lte", "value_in"];

/**
 * One filterable key. `string` compares text; `timestamp` takes RFC 3339 UTC; `enum` maps API value
 * names (without type prefix) to stored values; `boolean` takes true/false; `duration` takes
 * seconds with an `s` suffix and compares a column of milliseconds; `integer` whole numbers.
 */
export type FilterField =
  | { readonly kind: "string"; readonly column: string }
  | { readonly kind: "timestamp"; readonly column: string }
  | { readonly kind: "enum"; readonly column: string; readonly values: Readonly<Record<string, string | boolean>> }
  | { readonly kind: "boolean"; readonly column: string }
  | { readonly kind: "duration"; readonly column: string }
  | { readonly kind: "integer"; readonly column: string };

/** The keys one list accepts; `labelsColumn` (a jsonb object of strings) enables `labels.<key>`. */
export interface FilterFields {
  readonly fields: Readonly<Record<string, FilterField>>;
  readonly labelsColumn?: string;
}

export type FilterValue = string | boolean | Date;

/** One parsed predicate. `token` is the text it came from, for messages. */
export interface FilterCondition {
  readonly token: string;
  readonly operator: FilterOperator;
  /** The column compared (for labels, the jsonb column) and, for labels, the label key. */
  readonly column: string;
  readonly label?: string;
  readonly values: readonly FilterValue[];
}

const predicatePattern = /^([a-z_]+)\(([^(),+]+),([^()+]*)\)$/;
const keyPattern = /^[a-z_]+(\.[a-z_]+)?$/;
const labelKeyPattern = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function problem(token: string, what: string): never {
  throw invalidArgument("filters", `"${token}": ${what}`);
}

function allowedOperators(field: FilterField): readonly FilterOperator[] {
  switch (field.kind) {
    case "string":
      return operators;
    case "timestamp":
    case "duration":
    case "integer":
      return ordered;
    case "enum":
      return ["eq", "ne", "value_in"];
    case "boolean":
      return ["eq", "ne"];
    default:
      return assertNever(field, "filter field");
  }
}

function parseValue(token: string, key: string, field: FilterField, text: string): FilterValue {
  switch (field.kind) {
    case "string":
      return text;
    case "timestamp": {
      const date = new Date(text);
      // Date rolls impossible days over (Feb 31 → Mar 3); the round trip catches them.
      if (!timestampPattern.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== text.slice(0, 19)) {
        return problem(token, `"${text}" is not an RFC 3339 UTC timestamp (like 2025-01-31T00:00:00Z) for ${key}`);
      }
      return date;
    }
    case "enum": {
      const value = field.values[text];
      if (value === undefined) return problem(token, `"${text}" is not a value of ${key} (${Object.keys(field.values).join(", ")})`);
      return value;
    }
    case "boolean":
      if (text === "true" || text === "false") return text === "true";
      return problem(token, `"${text}" is not true or false`);
    case "duration": {
      const match = /^(\d+(\.\d{1,3})?)s$/.exec(text);
      if (match === null) return problem(token, `"${text}" is not a duration in seconds like 90s`);
      return String(Math.round(Number(match[1]) * 1000));
    }
    case "integer":
      if (!/^-?\d{1,18}$/.test(text)) return problem(token, `"${text}" is not a whole number`);
      return text;
    default:
      return assertNever(field, "filter field");
  }
}

function parsePredicate(token: string, fields: FilterFields): FilterCondition {
  const match = predicatePattern.exec(token);
  if (match === null) return problem(token, "is not a predicate op(key,value)");
  const [, op = "", key = "", valueText = ""] = match;
  if (!(operators as readonly string[]).includes(op)) return problem(token, `unknown operator "${op}" (${operators.join(", ")})`);
  const operator = op as FilterOperator;
  const texts = operator === "value_in" ? valueText.split(";") : [valueText];
  if (key.startsWith("labels.") && fields.labelsColumn !== undefined) {
    const label = key.slice("labels.".length);
    if (!labelKeyPattern.test(label)) return problem(token, `"${label}" is not a label key`);
    if (!["eq", "ne", "contains", "value_in"].includes(operator)) return problem(token, `operator ${operator} does not apply to labels`);
    return { token, operator, column: fields.labelsColumn, label, values: texts };
  }
  const field = keyPattern.test(key) ? fields.fields[key] : undefined;
  if (field === undefined) {
    const keys = Object.keys(fields.fields).concat(fields.labelsColumn === undefined ? [] : ["labels.<key>"]);
    return problem(token, `unknown key "${key}" (keys: ${keys.join(", ")})`);
  }
  if (!allowedOperators(field).includes(operator)) return problem(token, `operator ${operator} does not apply to ${key} (${field.kind})`);
  if (field.kind !== "string" && texts.some((t) => t === "")) return problem(token, `a value is missing for ${key}`);
  return { token, operator, column: field.column, values: texts.map((t) => parseValue(token, key, field, t)) };
}

/** The conditions of a filters string; an empty string has none. InvalidArgument naming the bad token. */
export function parseFilters(text: string, fields: FilterFields): FilterCondition[] {
  if (text === "") return [];
  return text.split("+").map((token) => parsePredicate(token, fields));
}

function comparison(condition: FilterCondition): RawBuilder<SqlBool> {
  const subject = condition.label === undefined ? sql.ref(condition.column) : sql`(${sql.ref(condition.column)} ->> ${condition.label})`;
  const first = condition.values[0] ?? "";
  switch (condition.operator) {
    case "eq":
      return sql<SqlBool>`${subject} = ${first}`;
    case "ne":
      // A missing label counts as different from any value.
      return sql<SqlBool>`${subject} IS DISTINCT FROM ${first}`;
    case "gt":
      return sql<SqlBool>`${subject} > ${first}`;
    case "gte":
      return sql<SqlBool>`${subject} >= ${first}`;
    case "lt":
      return sql<SqlBool>`${subject} < ${first}`;
    case "lte":
      return sql<SqlBool>`${subject} <= ${first}`;
    case "contains":
      // strpos is a plain, case-sensitive substring test: no LIKE wildcards to escape.
      return sql<SqlBool>`strpos(${subject}, ${first}) > 0`;
    case "value_in":
      return sql<SqlBool>`${subject} IN (${sql.join(condition.values.map((v) => sql`${v}`))})`;
    default:
      return assertNever(condition.operator, "filter operator");
  }
}

/** Adds every condition to the query's WHERE clause (a conjunction). */
export function applyFilters<DB, TB extends keyof DB, O>(
  select: SelectQueryBuilder<DB, TB, O>,
  conditions: readonly FilterCondition[],
): SelectQueryBuilder<DB, TB, O> {
  let query = select;
  for (const condition of conditions) query = query.where(comparison(condition));
  return query;
}
