/**
 * Writes items in groups: the first item of a group is written at once, and items that arrive while
 * that write runs are written together by the next one. An idle group adds no delay; a busy one
 * turns many small transactions (one per task attempt starting) into one per round trip.
 */
export class GroupCommit<T> {
  private readonly groups = new Map<string, { pending: Pending<T>[]; writing: boolean }>();

  constructor(private readonly write: (group: string, items: readonly T[]) => Promise<void>) {}

  /** Resolves once `item` is written; rejects with the error of the write that carried it. */
  add(group: string, item: T): Promise<void> {
    let entry = this.groups.get(group);
    if (entry === undefined) {
      entry = { pending: [], writing: false };
      this.groups.set(group, entry);
    }
    const done = new Promise<void>((resolve, reject) => entry.pending.push({ item, resolve, reject }));
    if (!entry.writing) void this.drain(group, entry);
    return done;
  }

  private async drain(group: string, entry: { pending: Pending<T>[]; writing: boolean }): Promise<void> {
    entry.writing = true;
    while (entry.pending.length > 0) {
      const batch = entry.pending.splice(0, entry.pending.length);
      try {
        await this.write(group, batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    entry.writing = false;
    this.groups.delete(group);
  }
}

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}
