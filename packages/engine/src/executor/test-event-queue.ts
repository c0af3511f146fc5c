import type { PendingEvent } from "./test-driver.js";

// Events ordered by time; among those due at the same time, FIFO or a random pick.
export class EventQueue {
  private heap: { p: PendingEvent; seq: number }[] = [];
  private due: PendingEvent[] = [];
  private dueHead = 0;
  private dueAt = -Infinity;
  private seq = 0;

  constructor(private readonly random: (() => number) | undefined) {}

  get size(): number {
    return this.heap.length + this.due.length - this.dueHead;
  }

  push(p: PendingEvent): void {
    if (p.at === this.dueAt && this.due.length > this.dueHead) {
      this.due.push(p);
      return;
    }
    this.heap.push({ p, seq: this.seq++ });
    this.up(this.heap.length - 1);
  }

  pop(): PendingEvent | undefined {
    if (this.due.length === this.dueHead) this.refill();
    if (this.due.length === this.dueHead) return undefined;
    if (!this.random) return this.due[this.dueHead++];
    const span = this.due.length - this.dueHead;
    const i = this.dueHead + Math.min(span - 1, Math.floor(this.random() * span));
    const picked = this.due[i];
    this.due[i] = this.due[this.dueHead] as PendingEvent;
    this.dueHead++;
    return picked;
  }

  drain(): PendingEvent[] {
    const out: PendingEvent[] = [];
    for (let p = this.pop(); p; p = this.pop()) out.push(p);
    return out;
  }

  private refill(): void {
    this.due = [];
    this.dueHead = 0;
    const first = this.heap[0];
    if (!first) return;
    this.dueAt = first.p.at;
    while (this.heap[0] && this.heap[0].p.at === this.dueAt) this.due.push(this.take().p);
  }

  private take(): { p: PendingEvent; seq: number } {
    const top = this.heap[0] as { p: PendingEvent; seq: number };
    const last = this.heap.pop() as { p: PendingEvent; seq: number };
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return !!x && !!y && (x.p.at < y.p.at || (x.p.at === y.p.at && x.seq < y.seq));
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a] as { p: PendingEvent; seq: number };
    this.heap[a] = this.heap[b] as { p: PendingEvent; seq: number };
    this.heap[b] = x;
  }

  private up(i: number): void {
    for (let c = i; c > 0; ) {
      const parent = (c - 1) >> 1;
      if (!this.less(c, parent)) return;
      this.swap(c, parent);
      c = parent;
    }
  }

  private down(i: number): void {
    for (let c = i; ; ) {
      const l = 2 * c + 1;
      const r = l + 1;
      let m = c;
      if (l < this.heap.length && this.less(l, m)) m = l;
      if (r < this.heap.length && this.less(r, m)) m = r;
      if (m === c) return;
      this.swap(c, m);
      c = m;
    }
  }
}
