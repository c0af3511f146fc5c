// Fencing: only the cluster that currently owns an execution, under its current assignment epoch,
// may change the execution's records. Pure rules; the caller loads the owner and applies a claim.

/** Who owns an execution now: the cluster id ('' while unassigned) and the assignment epoch. */
export interface ExecutionOwner {
  readonly cluster: string;
  readonly epoch: bigint;
}

/** Who says they produced an event. */
export interface EventProducer {
  readonly producerId: string;
  readonly epoch: bigint;
}

/**
 * The ownership verdict for one event:
 * - `owner`: the producer is the current owner; nothing changes hands.
 * - `claim`: the producer takes the execution over (a higher epoch, or the first producer of an
 *   unassigned execution); the caller records the new owner unless the execution is terminal.
 * - `stale`: the producer lost the execution (lower epoch, or another cluster at the same epoch).
 */
export type OwnershipVerdict =
  | { readonly kind: "owner" }
  | { readonly kind: "claim"; readonly owner: ExecutionOwner }
  | { readonly kind: "stale"; readonly message: string };

export function judgeOwnership(owner: ExecutionOwner, producer: EventProducer): OwnershipVerdict {
  const claimed = { kind: "claim", owner: { cluster: producer.producerId, epoch: producer.epoch } } as const;
  // The router bumps the epoch on every (re)assignment, so a higher epoch is news from the new owner
  // that reached admin before (or instead of) the router's own update.
  if (producer.epoch > owner.epoch) return claimed;
  if (producer.epoch < owner.epoch) {
    return { kind: "stale", message: `producer "${producer.producerId}" reports epoch ${producer.epoch}, but the execution is at epoch ${owner.epoch} (owned by "${owner.cluster}")` };
  }
  if (producer.producerId === owner.cluster) return { kind: "owner" };
  if (owner.cluster === "") return claimed;
  return { kind: "stale", message: `producer "${producer.producerId}" does not own the execution; cluster "${owner.cluster}" does at epoch ${owner.epoch}` };
}
