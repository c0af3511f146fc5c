import type { BackendPlugin, PluginEntry } from "./plugin.js";

const idPattern = /^[a-z][a-z0-9-]{0,62}$/;
const taskTypePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Raised when an entry cannot be registered or a task type has no plugin. */
export class PluginRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PluginRegistryError";
  }
}

/**
 * Maps task types to plugins. Entries are checked when they register, so a misconfigured
 * deployment fails at start rather than on the first task; plugins load lazily, once.
 */
export class PluginRegistry {
  private readonly entries = new Map<string, PluginEntry>();
  private readonly byTaskType = new Map<string, PluginEntry>();
  private defaultEntry: PluginEntry | undefined;
  private readonly loaded = new Map<string, Promise<BackendPlugin>>();

  register(entry: PluginEntry): void {
    const problems: string[] = [];
    if (!idPattern.test(entry.id)) problems.push(`id "${entry.id}" must be lowercase letters, digits and dashes, starting with a letter`);
    else if (this.entries.has(entry.id)) problems.push(`id "${entry.id}" is already registered`);
    if (entry.taskTypes.length === 0) problems.push("taskTypes must list at least one task type");
    const seen = new Set<string>();
    for (const taskType of entry.taskTypes) {
      if (!taskTypePattern.test(taskType)) problems.push(`taskTypes: "${taskType}" is not a valid task type name`);
      if (seen.has(taskType)) problems.push(`taskTypes: "${taskType}" is listed twice`);
      seen.add(taskType);
      const owner = this.byTaskType.get(taskType);
      if (owner) problems.push(`taskTypes: "${taskType}" is already handled by plugin "${owner.id}"`);
    }
    if (entry.isDefault && this.defaultEntry) problems.push(`isDefault: plugin "${this.defaultEntry.id}" is already the default`);
    if (problems.length > 0) throw new PluginRegistryError(`cannot register plugin "${entry.id}": ${problems.join("; ")}`);

    this.entries.set(entry.id, entry);
    for (const taskType of entry.taskTypes) this.byTaskType.set(taskType, entry);
    if (entry.isDefault) this.defaultEntry = entry;
  }

  /** The entry that runs `taskType`: the one that claims it, else the default. */
  resolve(taskType: string): PluginEntry {
    const entry = this.byTaskType.get(taskType) ?? this.defaultEntry;
    if (!entry) {
      const known = [...this.byTaskType.keys()].sort().join(", ") || "none";
      throw new PluginRegistryError(`no plugin runs task type "${taskType}" (registered types: ${known})`);
    }
    return entry;
  }

  /** Loads (once) and returns the plugin for `taskType`. A failed load is retried on the next call. */
  async pluginFor(taskType: string): Promise<BackendPlugin> {
    const entry = this.resolve(taskType);
    let pending = this.loaded.get(entry.id);
    if (!pending) {
      pending = entry.load().then((plugin) => {
        for (const method of ["create", "get", "delete"] as const) {
          if (typeof plugin[method] !== "function") {
            throw new PluginRegistryError(`plugin "${entry.id}" loaded without a ${method}() method`);
          }
        }
        return plugin;
      });
      pending.catch(() => this.loaded.delete(entry.id));
      this.loaded.set(entry.id, pending);
    }
    return pending;
  }

  /** Registered entries, in registration order. */
  list(): readonly PluginEntry[] {
    return [...this.entries.values()];
  }
}
