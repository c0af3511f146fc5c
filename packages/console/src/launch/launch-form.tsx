import { type Identifier, type Literal, type LiteralType, type ParameterMap, type VariableMap } from "@skein/idl";
import { useState } from "react";
import type { AdminClient } from "../api";
import { errorText, Problem } from "../components";
import { navigate, paths } from "../router";
import { defaultText, editorFor, FieldError, parseFieldText, typeLabel } from "./parse-input";

/** One input the form asks for. */
export interface FormInput {
  readonly name: string;
  readonly type: LiteralType | undefined;
  readonly description: string;
  readonly required: boolean;
  readonly default?: Literal | undefined;
}

export function inputsFromParameters(parameters: ParameterMap | undefined): FormInput[] {
  return Object.entries(parameters?.parameters ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, p]) => ({
    name,
    type: p.var?.type,
    description: p.var?.description ?? "",
    required: p.behavior.case === "default" ? false : p.behavior.case === "required" ? p.behavior.value : true,
    default: p.behavior.case === "default" ? p.behavior.value : undefined,
  }));
}

export function inputsFromVariables(variables: VariableMap | undefined): FormInput[] {
  return Object.entries(variables?.variables ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, v]) => ({ name, type: v.type, description: v.description, required: true }));
}

/**
 * A form generated from an interface: one field per input, typed editors, defaults filled in.
 * Every field is checked against its type before anything is sent; each problem names its field.
 */
export function LaunchForm({ client, project, domain, target, inputs }: {
  client: AdminClient; project: string; domain: string;
  target: { case: "launchPlanId"; value: Identifier } | { case: "taskId"; value: Identifier };
  inputs: readonly FormInput[];
}) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(inputs.map((i) => [i.name, defaultText(i.type, i.default)])));
  const [problems, setProblems] = useState<readonly string[]>([]);
  const [clusterLabel, setClusterLabel] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const literals: Record<string, Literal> = {};
    const found: string[] = [];
    for (const input of inputs) {
      const text = values[input.name] ?? "";
      if (text === "" && editorFor(input.type) !== "none" && editorFor(input.type) !== "text") {
        if (input.required) found.push(`${input.name}: is required`);
        continue;
      }
      if (text === "" && !input.required && input.default !== undefined) continue;
      try {
        literals[input.name] = parseFieldText(input.name, input.type, text);
      } catch (error) {
        if (!(error instanceof FieldError)) throw error;
        found.push(error.message);
      }
    }
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      const created = await client.createExecution({ project, domain, target, inputs: { literals }, executionClusterLabel: clusterLabel.trim() });
      navigate(paths.execution(project, domain, created.id?.name ?? ""));
    } catch (error) {
      setProblems([errorText(error)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="launch" aria-label="launch form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      {inputs.length === 0 && <p className="muted">This takes no inputs.</p>}
      {inputs.map((input) => {
        const editor = editorFor(input.type);
        const value = values[input.name] ?? "";
        const set = (v: string) => { setValues({ ...values, [input.name]: v }); };
        const id = `input-${input.name}`;
        return (
          <div key={input.name} className="field">
            <label htmlFor={id}>{input.name} <span className="muted">{typeLabel(input.type)}{input.required ? "" : " (optional)"}</span></label>
            {editor === "checkbox" && <input id={id} name={input.name} type="checkbox" checked={value === "true"} onChange={(e) => { set(e.target.checked ? "true" : "false"); }} />}
            {editor === "select" && input.type?.type.case === "enumType" && (
              <select id={id} name={input.name} value={value} onChange={(e) => { set(e.target.value); }}>
                <option value="">choose…</option>
                {input.type.type.value.values.map((v) => <option key={v} value={v}>{v}</option>)}
              </select>
            )}
            {editor === "json" && <textarea id={id} name={input.name} value={value} rows={3} onChange={(e) => { set(e.target.value); }} placeholder="JSON" />}
            {(editor === "text" || editor === "integer" || editor === "float" || editor === "datetime" || editor === "duration") && (
              <input id={id} name={input.name} value={value} onChange={(e) => { set(e.target.value); }} inputMode={editor === "integer" || editor === "float" ? "decimal" : undefined}
                placeholder={editor === "datetime" ? "2026-01-31T12:00:00Z" : editor === "duration" ? "90s" : ""} />
            )}
            {editor === "none" && <span className="muted">no value</span>}
            {input.description !== "" && <small>{input.description}</small>}
          </div>
        );
      })}
      <div className="field">
        <label htmlFor="cluster-label">cluster label <span className="muted">(optional, key or key=value)</span></label>
        <input id="cluster-label" name="cluster-label" value={clusterLabel} onChange={(e) => { setClusterLabel(e.target.value); }} />
      </div>
      {problems.length > 0 && <Problem><ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul></Problem>}
      <button type="submit" disabled={busy}>Launch</button>
    </form>
  );
}
