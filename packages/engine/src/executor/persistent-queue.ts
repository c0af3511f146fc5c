// A persistent FIFO queue: two immutable lists, the back one reversed into the front when the
// front runs out. Push and shift are O(1) amortized and never disturb earlier versions.

interface Cons<T> {
  readonly head: T;
  readonly tail: Cons<T> | undefined;
}

function reverse<T>(list: Cons<T> | undefined): Cons<T> | undefined {
  let out: Cons<T> | undefined;
  for (let c = list; c !== undefined; c = c.tail) out = { head: c.head, tail: out };
  return out;
}

/** An immutable first-in first-out queue. */
export class PersistentQueue<T> {
  private static readonly emptyQueue = new PersistentQueue<never>(undefined, undefined, 0);

  private constructor(
    private readonly front: Cons<T> | undefined,
    private readonly back: Cons<T> | undefined,
    readonly size: number,
  ) {}

  static empty<T>(): PersistentQueue<T> {
    return PersistentQueue.emptyQueue;
  }

  static from<T>(items: Iterable<T>): PersistentQueue<T> {
    let q = PersistentQueue.empty<T>();
    for (const item of items) q = q.push(item);
    return q;
  }

  push(item: T): PersistentQueue<T> {
    return new PersistentQueue(this.front, { head: item, tail: this.back }, this.size + 1);
  }

  /** The oldest item and the queue without it; undefined when empty. */
  shift(): readonly [T, PersistentQueue<T>] | undefined {
    const front = this.front ?? reverse(this.back);
    if (front === undefined) return undefined;
    const back = this.front === undefined ? undefined : this.back;
    return [front.head, new PersistentQueue(front.tail, back, this.size - 1)];
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let c = this.front; c !== undefined; c = c.tail) out.push(c.head);
    const back: T[] = [];
    for (let c = this.back; c !== undefined; c = c.tail) back.push(c.head);
    return out.concat(back.reverse());
  }
}
