import { randomUUID } from "node:crypto";
import type { Client } from "@connectrpc/connect";
import type { ClusterRouterService } from "@skein/idl/router/v1";
import type { BackgroundLoop, Logger } from "@skein/server";
import type { ClaimedExecution, ExecutionKey, ExecutionStore } from "../repositories/execution-store.js";
import { sleep } from "./attempt-runner.js";
import type { AssignmentListener } from "./assignment-follower.js";
import { ExecutionDriver, type DriverDeps } from "./execution-driver.js";

export interface PropellerOptions {
  readonly cluster: string;
  readonly region: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly capacity: number;
  readonly weight: number;
  readonly store: ExecutionStore;
  readonly router: Client<typeof ClusterRouterService>;
  readonly logger: Logger;
  readonly driver: Omit<DriverDeps, "logger">;
  readonly leaseTtlMs: number;
  /** Claims are also tried this often, for work left by a replica that died. */
  readonly claimIntervalMs: number;
  readonly heartbeatIntervalMs: number;
}

const keyText = (key: ExecutionKey) => `${key.project}/${key.domain}/${key.name}`;

/**
 * One propeller replica: claims the cluster's executions through leases, runs a driver per claimed
 * execution, renews its leases, and registers and heartbeats the cluster with the router. Several
 * replicas of one cluster share its work: an execution is driven by the lease holder only, and a
 * replica that dies has its executions claimed by another once the leases expire.
 */
export class Propeller implements AssignmentListener {
  /** This replica's identity in leases. */
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly drivers = new Map<string, ExecutionDriver>();
  private readonly ends = new Set<Promise<void>>();
  private wakeClaim: (() => void) | undefined;
  private claimPending = true;
  private stopping = false;
  private markRegistered: () => void = () => undefined;
  /** Resolves once the cluster is registered with the router (watching before that is refused). */
  readonly registered = new Promise<void>((resolve) => {
    this.markRegistered = resolve;
  });

  constructor(private readonly options: PropellerOptions) {}

  assigned(): void {
    this.claimPending = true;
    this.wakeClaim?.();
  }

  terminate(key: ExecutionKey, cause: string): void {
    this.drivers.get(keyText(key))?.terminate(cause);
  }

  halt(key: ExecutionKey, mode: "revoke" | "shutdown"): void {
    this.drivers.get(keyText(key))?.halt(mode);
  }

  /** Executions this replica drives now. */
  get driving(): number {
    return this.drivers.size;
  }

  loops(): BackgroundLoop[] {
    return [
      { name: "propeller.claims", run: (signal) => this.claimLoop(signal) },
      { name: "propeller.leases", run: (signal) => this.renewLoop(signal) },
      { name: "propeller.heartbeat", run: (signal) => this.heartbeatLoop(signal) },
    ];
  }

  private async claimLoop(signal: AbortSignal): Promise<void> {
    const { store, cluster, leaseTtlMs, logger } = this.options;
    while (!signal.aborted) {
      this.claimPending = false;
      try {
        const claimed = await store.claim(cluster, this.owner, leaseTtlMs, 100, [...this.drivers.keys()]);
        for (const execution of claimed) this.start(execution);
        if (claimed.length === 100) this.claimPending = true;
      } catch (error) {
        logger.warn("claiming executions failed", { error });
      }
      if (this.claimPending) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.options.claimIntervalMs);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          resolve();
        }
        this.wakeClaim = done;
        signal.addEventListener("abort", done, { once: true });
      });
      this.wakeClaim = undefined;
    }
    await this.shutdown();
  }

  private start(execution: ClaimedExecution): void {
    const key = keyText(execution.lease.key);
    if (this.drivers.has(key) || this.stopping) return;
    const logger = this.options.logger;
    const driver = new ExecutionDriver({ ...this.options.driver, logger }, execution);
    this.drivers.set(key, driver);
    const end = driver
      .run()
      .then((how) => {
        logger.debug("stopped driving", { execution: execution.lease.key.name, how });
      })
      .catch(async (error: unknown) => {
        logger.error("driving the execution failed; another attempt follows when the lease is free", { execution: execution.lease.key.name, error });
        await this.options.store.release(driver.lease).catch(() => undefined);
      })
      .finally(() => {
        if (this.drivers.get(key) === driver) this.drivers.delete(key);
        this.ends.delete(end);
      });
    this.ends.add(end);
  }

  private async renewLoop(signal: AbortSignal): Promise<void> {
    const { store, leaseTtlMs, logger } = this.options;
    while (!signal.aborted) {
      await sleep(Math.max(50, Math.floor(leaseTtlMs / 3)), signal).catch(() => undefined);
      if (aborted(signal)) break;
      try {
        const lost = await store.renew([...this.drivers.values()].map((d) => d.lease), leaseTtlMs);
        for (const key of lost) this.drivers.get(keyText(key))?.halt("shutdown");
      } catch (error) {
        logger.warn("renewing leases failed", { error });
      }
    }
  }

  private async heartbeatLoop(signal: AbortSignal): Promise<void> {
    const { router, cluster, logger } = this.options;
    let registered = false;
    while (!signal.aborted) {
      try {
        if (!registered) {
          await router.registerCluster({
            id: cluster,
            region: this.options.region,
            labels: { ...this.options.labels },
            weight: this.options.weight,
            capacity: this.options.capacity,
          });
          registered = true;
          this.markRegistered();
          logger.info("cluster registered with the router", { cluster });
        }
        const running = await this.options.store.countActive(cluster);
        await router.heartbeat({ clusterId: cluster, load: { runningExecutions: running, freeCapacity: Math.max(0, this.options.capacity - running) } });
      } catch (error) {
        registered = false;
        logger.warn("heartbeat to the router failed", { error });
      }
      await sleep(this.options.heartbeatIntervalMs, signal).catch(() => undefined);
    }
  }

  /** Stops every driver without aborting its execution and gives the leases back. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    const leases = [...this.drivers.values()].map((d) => d.lease);
    for (const driver of this.drivers.values()) driver.halt("shutdown");
    await Promise.all([...this.ends]);
    for (const lease of leases) await this.options.store.release(lease).catch(() => undefined);
  }
}

/** Read through a call, since the flag changes while the awaited sleep runs. */
function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
