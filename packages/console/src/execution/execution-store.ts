import type { Execution, NodeExecution, TaskExecution, WatchExecutionResponse } from "@skein/idl/admin/v1";

/**
 * The live state of one execution: every node execution (all nesting levels) and every attempt,
 * fed by WatchExecution. Updates are applied as they arrive and listeners are told at most once
 * per animation frame, so 100 changes a second cost one render, not a hundred.
 */
export class ExecutionStore {
  execution: Execution | undefined;
  readonly nodes = new Map<string, NodeExecution>();
  /** Node ids by parent node id ("" for the top level), in order of first appearance. */
  readonly children = new Map<string, string[]>();
  /** Attempts by node id, ordered by retry attempt. */
  readonly attempts = new Map<string, TaskExecution[]>();
  /** Bumped on every applied batch; what useSyncExternalStore compares. */
  version = 0;
  /** Bumped only when a node appears (the graph's layout depends on which nodes exist, not on their phase). */
  structureVersion = 0;
  readonly #listeners = new Set<() => void>();
  #scheduled = false;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  };

  getVersion = (): number => this.version;

  apply(message: WatchExecutionResponse): void {
    const update = message.update;
    switch (update.case) {
      case "execution":
        this.execution = update.value;
        break;
      case "nodeExecution":
        this.#putNode(update.value);
        break;
      case "taskExecution":
        this.#putAttempt(update.value);
        break;
      case "nodeExecutions":
        for (const node of update.value.nodeExecutions) this.#putNode(node);
        break;
      case "taskExecutions":
        for (const task of update.value.taskExecutions) this.#putAttempt(task);
        break;
      case undefined:
        return;
    }
    this.#schedule();
  }

  #putNode(node: NodeExecution): void {
    const id = node.id?.nodeId ?? "";
    if (!this.nodes.has(id)) {
      const parent = node.metadata?.parentNodeId ?? "";
      const siblings = this.children.get(parent);
      if (siblings === undefined) this.children.set(parent, [id]);
      else siblings.push(id);
      this.structureVersion++;
    }
    this.nodes.set(id, node);
  }

  #putAttempt(task: TaskExecution): void {
    const nodeId = task.id?.nodeExecutionId?.nodeId ?? "";
    const attempt = task.id?.retryAttempt ?? 0;
    const list = this.attempts.get(nodeId) ?? [];
    const at = list.findIndex((t) => (t.id?.retryAttempt ?? 0) === attempt);
    if (at >= 0) list[at] = task;
    else {
      list.push(task);
      list.sort((a, b) => (a.id?.retryAttempt ?? 0) - (b.id?.retryAttempt ?? 0));
    }
    this.attempts.set(nodeId, list);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const flush = () => {
      this.#scheduled = false;
      this.version++;
      for (const listener of this.#listeners) listener();
    };
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(flush);
    else setTimeout(flush, 16);
  }
}
