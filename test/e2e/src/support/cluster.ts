import type { TestDatabase } from '@ai-commons/testing';
import { startControlPlaneProcess, startGatewayProcess, type GatewayProcess } from './audit-support';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process';

/** Timing of the cluster's leadership: the stated hand-over bound is retry + check + process exit. */
export const CLUSTER_LEADERSHIP = { LEADERSHIP_RETRY_MS: '500', LEADERSHIP_CHECK_MS: '250' };

export interface ClusterOptions {
  controlPlanes?: number;
  gateways?: number;
  /** Redis key prefix of the gateways' shared quota state (one per cluster). */
  redisPrefix: string;
  /** Extra environment of the control planes (e.g. ISOLATION_SCHEDULE_MS). */
  controlPlaneEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  /** Seed the demo consortium (institutions, catalog on the simulator, quota pool). */
  seedDemo?: boolean;
}

export interface Cluster {
  simulator: SimulatorProcess;
  controlPlanes: GatewayProcess[];
  gateways: GatewayProcess[];
  /** Starts one more gateway with the cluster's settings (a rolling restart's replacement). */
  startGateway(): Promise<GatewayProcess>;
  stop(): Promise<void>;
}

/**
 * N control planes and M gateways as real processes against one PostgreSQL database and one
 * Redis (QUOTA_STORE=redis), plus the model simulator — what `npm run cluster:local` runs and the
 * multi-replica e2e test drives. Every process runs the audit sequencer (one holds its lock) and the
 * control planes compete for the periodic jobs' leadership.
 */
export async function startCluster(database: TestDatabase, options: ClusterOptions): Promise<Cluster> {
  const simulator = await startSimulatorProcess(['--models', 'sim-llama', '--ttft-ms', '20', '--output-tokens', '4']);
  const common = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', ...CLUSTER_LEADERSHIP };
  const controlPlaneEnv = { ...common, DEMO_SIMULATOR_URL: simulator.url, ...options.controlPlaneEnv };
  const gatewayEnv = { ...common, QUOTA_STORE: 'redis', QUOTA_REDIS_PREFIX: options.redisPrefix, ...options.gatewayEnv };
  const controlPlanes: GatewayProcess[] = [];
  const gateways: GatewayProcess[] = [];
  const startGateway = async () => {
    const gateway = await startGatewayProcess(database, gatewayEnv);
    gateways.push(gateway);
    return gateway;
  };
  try {
    // The first control plane seeds alone (two seeding at once would race on the same rows).
    controlPlanes.push(await startControlPlaneProcess(database, { ...controlPlaneEnv, SEED_DEMO_CONSORTIUM: String(options.seedDemo ?? true) }));
    const others = Array.from({ length: (options.controlPlanes ?? 2) - 1 }, () => startControlPlaneProcess(database, controlPlaneEnv));
    controlPlanes.push(...(await Promise.all(others)));
    await Promise.all(Array.from({ length: options.gateways ?? 3 }, startGateway));
  } catch (error) {
    for (const child of [...controlPlanes, ...gateways]) child.process.kill('SIGKILL');
    await simulator.stop();
    throw error;
  }
  return {
    simulator,
    controlPlanes,
    gateways,
    startGateway,
    stop: async () => {
      await Promise.all(
        [...controlPlanes, ...gateways].map(async (child) => {
          if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
          await child.exited;
        }),
      );
      await simulator.stop();
    },
  };
}
