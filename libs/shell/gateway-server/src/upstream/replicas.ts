import type { RouteEndpoint, RouteTarget } from '../routing/routing-table';
import { CircuitBreaker, type BreakerState, type BreakerVerdict } from './circuit-breaker';
import { leastOutstanding, weightedRoundRobin, withAffinity, type ReplicaLoad } from './replica-choice';

/** One replica's live state in this gateway: requests in flight and its breaker. Survives routing reloads. */
class ReplicaState {
  outstanding = 0;
  constructor(
    readonly endpointId: string,
    readonly breaker: CircuitBreaker,
  ) {}
}

/** An endpoint snapshot's replicas, resolved once per routing table (no map lookups per request). */
interface EndpointReplicas {
  states: ReplicaState[];
  loads: { weight: number; outstanding: number; available: boolean }[];
  credit: number[];
  rotation: number;
}

/** A replica taken for one attempt: settle it exactly once, with how the attempt ended. */
export class ReplicaLease {
  private settled = false;
  constructor(
    readonly target: RouteTarget,
    private readonly state: ReplicaState,
  ) {}

  settle(verdict: BreakerVerdict, nowMs = Date.now()): void {
    if (this.settled) return;
    this.settled = true;
    this.state.outstanding--;
    this.state.breaker.settle(verdict, nowMs);
  }
}

export interface ReplicasUnavailable {
  /** How long until a replica's breaker lets a request through. */
  retryAfterMs: number;
}

export interface ReplicaOptions {
  failureThreshold: number;
  cooldownMs: number;
  /** Prefix affinity's load bound (GATEWAY_AFFINITY_MAX_EXCESS). */
  affinityMaxExcess: number;
  /** Prefixes remembered per endpoint (least recently used forgotten first). */
  affinityEntries?: number;
}

/**
 * Chooses the replica (endpoint target) of each upstream attempt, by the endpoint's load
 * balancing: least outstanding requests per weight, weighted round-robin, or prefix affinity
 * (least outstanding, but a prompt prefix seen recently goes back to the replica that served it,
 * within a load bound). A replica whose breaker is open is skipped until its cooldown passes, then
 * gets one trial request; the endpoint is unavailable only when every replica is.
 */
export class Replicas {
  private readonly states = new Map<string, ReplicaState>();
  private readonly byEndpoint = new WeakMap<RouteEndpoint, EndpointReplicas>();
  private readonly affinity = new Map<string, Map<number, string>>();
  private readonly affinityEntries: number;

  constructor(private readonly options: ReplicaOptions) {
    this.affinityEntries = options.affinityEntries ?? 4096;
  }

  /**
   * A replica for the next attempt, preferring one not in `tried` (a retry goes elsewhere when it
   * can, else back to the same one).
   */
  pick(endpoint: RouteEndpoint, nowMs: number, prefixKey?: number, tried?: ReadonlySet<string>): ReplicaLease | ReplicasUnavailable {
    const group = this.group(endpoint);
    const lease = this.choose(endpoint, group, nowMs, prefixKey, tried) ?? (tried?.size ? this.choose(endpoint, group, nowMs, prefixKey) : undefined);
    if (lease) return lease;
    let retryAfterMs = Number.POSITIVE_INFINITY;
    for (const state of group.states) retryAfterMs = Math.min(retryAfterMs, state.breaker.waitMs(nowMs));
    return { retryAfterMs: Number.isFinite(retryAfterMs) ? Math.max(1, retryAfterMs) : this.options.cooldownMs };
  }

  /** Every replica's breaker (read when metrics are scraped). */
  breakerStates(): Array<{ endpointId: string; targetId: string; state: BreakerState }> {
    return [...this.states].map(([targetId, state]) => ({ endpointId: state.endpointId, targetId, state: state.breaker.current }));
  }

  /** Requests in flight per replica id (tests, metrics). */
  outstanding(targetId: string): number {
    return this.states.get(targetId)?.outstanding ?? 0;
  }

  private choose(endpoint: RouteEndpoint, group: EndpointReplicas, nowMs: number, prefixKey?: number, tried?: ReadonlySet<string>): ReplicaLease | undefined {
    const { targets } = endpoint;
    const { states, loads } = group;
    for (let index = 0; index < targets.length; index++) {
      loads[index].outstanding = states[index].outstanding;
      loads[index].available = !tried?.has(targets[index].id) && states[index].breaker.waitMs(nowMs) === 0;
    }
    const remembered = endpoint.loadBalancing === 'prefix-affinity' && prefixKey !== undefined ? this.affinityOf(endpoint.id) : undefined;
    const affineId = remembered?.get(prefixKey!);
    const affine = affineId === undefined ? -1 : targets.findIndex((target) => target.id === affineId);
    for (let attempt = 0; attempt < targets.length; attempt++) {
      let index: number;
      if (endpoint.loadBalancing === 'round-robin') {
        index = weightedRoundRobin(loads as ReplicaLoad[], group.credit);
      } else {
        group.rotation = (group.rotation + 1) % targets.length;
        index = leastOutstanding(loads, group.rotation);
        if (remembered) index = withAffinity(loads, affine, index, this.options.affinityMaxExcess);
      }
      if (index < 0) return undefined;
      const state = states[index];
      if (!state.breaker.tryAcquire(nowMs).allowed) {
        loads[index].available = false;
        continue;
      }
      // The prefix stays with the replica that served it (an overflow does not move it); a prefix
      // new here, or whose replica is gone, goes with this one.
      if (remembered) this.remember(remembered, prefixKey!, affine >= 0 ? affineId! : targets[index].id);
      state.outstanding++;
      return new ReplicaLease(targets[index], state);
    }
    return undefined;
  }

  /** Least recently used prefixes are forgotten first. */
  private remember(remembered: Map<number, string>, key: number, targetId: string): void {
    remembered.delete(key);
    remembered.set(key, targetId);
    if (remembered.size > this.affinityEntries) remembered.delete(remembered.keys().next().value!);
  }

  private affinityOf(endpointId: string): Map<number, string> {
    let remembered = this.affinity.get(endpointId);
    if (!remembered) this.affinity.set(endpointId, (remembered = new Map()));
    return remembered;
  }

  private group(endpoint: RouteEndpoint): EndpointReplicas {
    let group = this.byEndpoint.get(endpoint);
    if (!group) {
      const states = endpoint.targets.map((target) => {
        let state = this.states.get(target.id);
        if (!state)
          this.states.set(target.id, (state = new ReplicaState(endpoint.id, new CircuitBreaker(this.options.failureThreshold, this.options.cooldownMs))));
        return state;
      });
      group = {
        states,
        loads: endpoint.targets.map((target) => ({ weight: target.weight, outstanding: 0, available: false })),
        credit: endpoint.targets.map(() => 0),
        rotation: 0,
      };
      this.byEndpoint.set(endpoint, group);
    }
    return group;
  }
}
