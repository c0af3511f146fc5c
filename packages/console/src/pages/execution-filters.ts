/** What the executions list can be narrowed to; empty fields do not filter. */
export interface ExecutionFilters {
  readonly phase: string;
  readonly workflow: string;
  readonly launchPlan: string;
  readonly cluster: string;
  /** `datetime-local` values (local time). */
  readonly after: string;
  readonly before: string;
}

export const noFilters: ExecutionFilters = { phase: "", workflow: "", launchPlan: "", cluster: "", after: "", before: "" };

/** Characters the filter grammar reserves; a value holding one cannot be expressed. */
const reserved = /[()+]/;

/**
 * Builds admin's filter expression (`eq(phase,RUNNING)+gte(created_at,...)`) from the form, or
 * throws an Error naming the field whose value cannot be used.
 */
export function filterExpression(f: ExecutionFilters): string {
  const parts: string[] = [];
  const text = (field: string, key: string, value: string) => {
    const v = value.trim();
    if (v === "") return;
    if (reserved.test(v)) throw new Error(`${field}: must not contain "(", ")" or "+"`);
    parts.push(`contains(${key},${v})`);
  };
  if (f.phase !== "") parts.push(`eq(phase,${f.phase})`);
  text("workflow", "workflow.name", f.workflow);
  text("launch plan", "launch_plan.name", f.launchPlan);
  if (f.cluster.trim() !== "") {
    if (reserved.test(f.cluster)) throw new Error('cluster: must not contain "(", ")" or "+"');
    parts.push(`eq(cluster,${f.cluster.trim()})`);
  }
  const time = (field: string, op: string, value: string) => {
    if (value === "") return;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new Error(`${field}: is not a date and time`);
    parts.push(`${op}(created_at,${new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z")})`);
  };
  time("created after", "gte", f.after);
  time("created before", "lt", f.before);
  return parts.join("+");
}
