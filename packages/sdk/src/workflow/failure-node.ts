import { create } from "@bufbuild/protobuf";
import { NodeSchema, type Node, type TypedInterface } from "@skein/idl";
import { DefinitionError } from "../definition-error.js";
import type { TaskDefinition } from "../task/define.js";
import { pendingFor } from "./bindings.js";
import { buildBinding, type Graph } from "./node.js";
import { Ref } from "./ref.js";

/** The input through which the failure task receives the workflow's error (supplied by the engine). */
export const FAILURE_ERROR_INPUT = "err";
export const FAILURE_NODE_ID = "failure-node";

/**
 * The node that runs `task` after the workflow failed. It reads only workflow inputs: each task
 * input is bound to the workflow input of the same name, or to its own default; `err` is left
 * for the engine, which passes the error.
 */
export function failureNode(task: TaskDefinition, iface: TypedInterface, graph: Graph, owner: string): Node {
  const where = `${owner}: onFailure task "${task.name}"`;
  if ((task as { kind?: unknown }).kind !== "task") throw new DefinitionError(`${owner}: onFailure must be a task`);
  const workflowInputs = iface.inputs?.variables ?? {};
  const inputs = Object.entries(task.interface.inputs?.variables ?? {}).flatMap(([name, variable]) => {
    if (name === FAILURE_ERROR_INPUT || !variable.type) return [];
    const own = workflowInputs[name]?.type;
    if (own) {
      const ref = new Ref(graph, undefined, name, own, undefined);
      return [{ var: name, binding: buildBinding(pendingFor(ref, variable.type, graph.root, `${where}: inputs.${name}`)) }];
    }
    const fallback = task.omittable.get(name);
    if (!fallback) throw new DefinitionError(`${where}: input "${name}" is neither a workflow input nor optional; the failure task receives workflow inputs by name, and the error as "${FAILURE_ERROR_INPUT}"`);
    return [{ var: name, binding: buildBinding({ kind: "literal", literal: fallback }) }];
  });
  return create(NodeSchema, {
    id: FAILURE_NODE_ID,
    metadata: { name: task.name },
    inputs,
    target: { case: "taskNode", value: { reference: { case: "referenceId", value: task.id } } },
  });
}
