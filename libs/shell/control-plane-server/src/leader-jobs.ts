import type { AppConfig } from '@ai-commons/config';
import { AdvisoryLockLeadership, UsagePartitionMaintenance, type LeadershipLog } from '@ai-commons/database';
import type { EndpointHealthProber } from '@ai-commons/catalog';
import type { JsonLogger } from '@ai-commons/observability';

/** Leadership options shared by every control plane job. */
export function leadershipOptions(config: AppConfig, name: string, log: LeadershipLog) {
  return { connectionString: config.DATABASE_APP_URL, name, retryMs: config.LEADERSHIP_RETRY_MS, checkMs: config.LEADERSHIP_CHECK_MS, log };
}

/**
 * The control plane's periodic work that must run once across replicas, each job under its own
 * advisory-lock leadership (the isolation schedule has its own, in IsolationScheduler; the audit
 * sequencer holds its lock on its write connection). Returns how to stop them all.
 */
export function startControlPlaneLeaderJobs(config: AppConfig, prober: EndpointHealthProber, logger: JsonLogger): { stop(): Promise<void> } {
  const log: LeadershipLog = (level, event, fields) => logger.event(level, event, fields);
  const jobs: AdvisoryLockLeadership[] = [];
  if (config.CATALOG_HEALTH_PROBE_INTERVAL_MS > 0) {
    jobs.push(
      new AdvisoryLockLeadership(leadershipOptions(config, 'endpoint-health-probe', log), {
        start: () => prober.start(config.CATALOG_HEALTH_PROBE_INTERVAL_MS, (error) => logger.error(error as Error, 'EndpointHealthProber')),
        stop: () => prober.stop(),
      }),
    );
  }
  if (config.USAGE_PARTITION_MAINTENANCE_MS > 0) {
    const maintenance = new UsagePartitionMaintenance({
      connectionString: config.DATABASE_APP_URL,
      intervalMs: config.USAGE_PARTITION_MAINTENANCE_MS,
      aheadMonths: config.USAGE_PARTITIONS_AHEAD_MONTHS,
      retentionMonths: config.USAGE_RECORDS_RETENTION_MONTHS,
      log,
    });
    jobs.push(new AdvisoryLockLeadership(leadershipOptions(config, 'usage-partitions', log), maintenance));
  }
  for (const job of jobs) job.start();
  return { stop: async () => void (await Promise.all(jobs.map((job) => job.stop()))) };
}
