import type { CompiledWorkflowClosure } from "@skein/idl";
import { NodeExecutionPhase } from "@skein/idl";
import { useEffect, useRef, useState } from "react";
import type { AdminClient } from "../api";
import type { ExecutionStore } from "./execution-store";

/**
 * The workflows that expanded dynamic nodes generated, by node id, read from admin's node data
 * (GetNodeExecutionData) when such a node is first expanded; the graph wires the node's children
 * by it. A node whose data has none yet is asked again once its phase changes; a failed request
 * again on the next update.
 */
export function useGeneratedWorkflows(client: AdminClient, store: ExecutionStore, version: number, expanded: ReadonlySet<string>): ReadonlyMap<string, CompiledWorkflowClosure> {
  const [generated, setGenerated] = useState<ReadonlyMap<string, CompiledWorkflowClosure>>(new Map());
  // Node id → the phase it was asked about, so each node is asked once per phase.
  const asked = useRef(new Map<string, NodeExecutionPhase>());
  useEffect(() => {
    for (const id of expanded) {
      const node = store.nodes.get(id);
      const phase = node?.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED;
      if (node?.id === undefined || node.metadata?.isDynamic !== true || generated.has(id) || asked.current.get(id) === phase) continue;
      asked.current.set(id, phase);
      client.getNodeExecutionData({ id: node.id }).then(
        (data) => {
          const compiled = data.dynamicWorkflow?.compiledWorkflow;
          if (compiled !== undefined) setGenerated((before) => new Map(before).set(id, compiled));
        },
        () => { asked.current.delete(id); },
      );
    }
  }, [client, store, version, expanded, generated]);
  return generated;
}
