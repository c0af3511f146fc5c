import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import type { LiteralMap, TaskTemplate } from "@skein/idl";
import { ReservationIdSchema, type DataCatalogService } from "@skein/idl/datacatalog/v1";
import { createLogger, invalidArgument, type Logger } from "@skein/server";
import { artifactData, catalogEntry, outputsOf, provenanceOf, type CacheProvenance, type CatalogEntry } from "./cache-entry.js";
import { getOrExtend, ReservationLease } from "./reservation-lease.js";

export type { CacheProvenance } from "./cache-entry.js";

export interface CatalogCacheOptions {
  readonly client: Client<typeof DataCatalogService>;
  /**
   * This process's identity as a reservation holder; must differ between live processes. Callers
   * within one CatalogCache are kept apart locally, so one owner id per process is enough.
   */
  readonly ownerId: string;
  /** How often a held reservation is extended and a waiter looks again, in ms (default 10 s). */
  readonly reservationHeartbeatMs?: number;
  readonly logger?: Logger;
}

/** What `reserve` ends with: this caller computes the entry, or another owner already has. */
export type CacheReservation = { readonly kind: "acquired"; release(): Promise<void> } | { readonly kind: "hit"; readonly outputs: LiteralMap };

/**
 * Propeller's client of datacatalog: task outputs cached under the engine's cache key (task name,
 * effective cache version and interface in the dataset, inputs in the tag; not the task version).
 * Writes are first writer wins unless overwriting; serialized tasks take a reservation so that one
 * execution computes an entry while the others wait for it.
 */
export class CatalogCache {
  private readonly client: Client<typeof DataCatalogService>;
  private readonly ownerId: string;
  private readonly heartbeatMs: number;
  private readonly logger: Logger;
  /**
   * Entries whose reservation a caller of this instance is asking for or holds. Every caller shares
   * the owner id, so the server cannot tell them apart: the others wait here as for a foreign holder.
   */
  private readonly claims = new Set<string>();

  constructor(options: CatalogCacheOptions) {
    if (options.ownerId === "") throw invalidArgument("ownerId", "is required");
    const heartbeatMs = options.reservationHeartbeatMs ?? 10_000;
    if (!Number.isFinite(heartbeatMs) || heartbeatMs <= 0) throw invalidArgument("reservationHeartbeatMs", `must be a positive number of ms (got ${heartbeatMs})`);
    this.client = options.client;
    this.ownerId = options.ownerId;
    this.heartbeatMs = heartbeatMs;
    this.logger = options.logger?.child("propeller.cache") ?? createLogger({ component: "propeller.cache" });
  }

  /** Cached outputs for (task, cacheVersion, inputs), or undefined on a miss. Throws on lookup failure. */
  async lookup(task: TaskTemplate, inputs: LiteralMap, cacheVersion: string): Promise<LiteralMap | undefined> {
    return this.find(catalogEntry(task, inputs, cacheVersion));
  }

  /**
   * For cache-serializable tasks: waits until this caller holds the reservation (`acquired`; it is
   * extended in the background until `release()`) or another owner has stored the entry (`hit`).
   * Looks again every heartbeat interval while someone else holds it. Aborting `signal` rejects
   * with its reason; a reservation taken in that moment is released, nothing else is.
   */
  async reserve(task: TaskTemplate, inputs: LiteralMap, cacheVersion: string, signal: AbortSignal): Promise<CacheReservation> {
    const entry = catalogEntry(task, inputs, cacheVersion);
    const reservationId = create(ReservationIdSchema, { datasetId: entry.dataset, tagName: entry.tag });
    for (;;) {
      signal.throwIfAborted();
      if (!this.claims.has(entry.text)) {
        this.claims.add(entry.text);
        let reservation;
        try {
          // Not aborted mid-call: a grant we never saw would block the others until it lapsed.
          reservation = await getOrExtend(this.client, reservationId, this.ownerId, this.heartbeatMs);
        } catch (error) {
          this.claims.delete(entry.text);
          throw error;
        }
        if (reservation.ownerId === this.ownerId) {
          const lease = new ReservationLease({
            client: this.client,
            reservationId,
            ownerId: this.ownerId,
            heartbeatMs: this.heartbeatMs,
            granted: reservation,
            logger: this.logger,
            onEnd: () => this.claims.delete(entry.text),
          });
          return await this.settle(entry, lease, signal);
        }
        this.claims.delete(entry.text);
        this.logger.debug("cache entry reserved by another owner; waiting", { entry: entry.text, holder: reservation.ownerId });
      }
      const outputs = await this.find(entry);
      if (outputs !== undefined) return { kind: "hit", outputs };
      await sleep(this.heartbeatMs, signal);
    }
  }

  /**
   * Stores outputs with their provenance. First writer wins: when the tag already points at an
   * entry, that entry stays and this is not an error. With `overwrite` (overwrite_cache), the entry
   * is replaced, or created if there was none.
   */
  async put(task: TaskTemplate, inputs: LiteralMap, cacheVersion: string, outputs: LiteralMap, provenance: CacheProvenance, options: { overwrite?: boolean } = {}): Promise<void> {
    const entry = catalogEntry(task, inputs, cacheVersion);
    const source = provenanceOf(task, provenance);
    const data = artifactData(outputs);
    const fields = { entry: entry.text, execution: provenance.executionId.name, node: provenance.node, attempt: provenance.attempt };
    await this.ensureDataset(entry, task);
    if (options.overwrite === true) {
      await this.client.updateArtifact({ dataset: entry.dataset, query: { case: "tagName", value: entry.tag }, data, provenance: source });
      this.logger.info("cache entry overwritten", fields);
      return;
    }
    try {
      await this.client.createArtifact({ dataset: entry.dataset, artifactId: randomUUID(), data, provenance: source, tags: [entry.tag] });
      this.logger.info("cache entry stored", fields);
    } catch (error) {
      if (ConnectError.from(error).code !== Code.AlreadyExists) throw error;
      this.logger.debug("cache entry already stored by another writer; keeping it", fields);
    }
  }

  // After a grant: the entry may have been stored between the caller's last look and now, and the
  // caller may have given up meanwhile; either way the reservation is not needed.
  private async settle(entry: CatalogEntry, lease: ReservationLease, signal: AbortSignal): Promise<CacheReservation> {
    let outputs: LiteralMap | undefined;
    try {
      outputs = signal.aborted ? undefined : await this.find(entry);
    } catch (error) {
      await lease.release();
      throw error;
    }
    if (signal.aborted || outputs !== undefined) await lease.release();
    signal.throwIfAborted();
    if (outputs !== undefined) return { kind: "hit", outputs };
    this.logger.debug("cache entry reserved", { entry: entry.text, owner: this.ownerId });
    return { kind: "acquired", release: () => lease.release() };
  }

  private async find(entry: CatalogEntry): Promise<LiteralMap | undefined> {
    try {
      const { artifact } = await this.client.getArtifact({ dataset: entry.dataset, query: { case: "tagName", value: entry.tag } });
      if (artifact === undefined) throw new Error(`datacatalog answered GetArtifact for ${entry.text} without an artifact`);
      return outputsOf(artifact.data);
    } catch (error) {
      // No dataset, no tag, or values evicted while reading: all misses.
      if (ConnectError.from(error).code === Code.NotFound) return undefined;
      throw error;
    }
  }

  // The dataset records the task version that first filled it; creating an existing one is a no-op.
  private async ensureDataset(entry: CatalogEntry, task: TaskTemplate): Promise<void> {
    try {
      await this.client.createDataset({ id: entry.dataset, metadata: { "task-version": task.id?.version ?? "" } });
    } catch (error) {
      if (ConnectError.from(error).code !== Code.AlreadyExists) throw error;
    }
  }
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    // Reject with the caller's reason rather than the timer's AbortError.
    signal.throwIfAborted();
    throw error;
  }
}
