import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import { RequestContext, SYSTEM_PRINCIPAL } from '@ai-commons/core';
import { AdvisoryLockLeadership } from '@ai-commons/database';
import { IsolationError } from './isolation-errors';
import { VerificationRunner } from './verification/verification-runner';

/**
 * Runs a verification every ISOLATION_SCHEDULE_MS (0: never), in one control plane replica: the
 * holder of the `isolation-schedule` advisory lock. The first run comes an interval after this
 * replica becomes the leader; losing leadership stops the schedule (a run in progress finishes).
 */
@Injectable()
export class IsolationScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private leadership?: AdvisoryLockLeadership;
  private readonly logger = new Logger('IsolationScheduler');

  constructor(
    private readonly runner: VerificationRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.ISOLATION_SCHEDULE_MS;
    if (!interval) return;
    this.leadership = new AdvisoryLockLeadership(
      {
        connectionString: this.config.DATABASE_APP_URL,
        name: 'isolation-schedule',
        retryMs: this.config.LEADERSHIP_RETRY_MS,
        checkMs: this.config.LEADERSHIP_CHECK_MS,
        log: (level, event) => (level === 'info' ? this.logger.log(event) : this.logger.warn(event)),
      },
      { start: () => this.schedule(interval), stop: () => clearInterval(this.timer) },
    );
    this.leadership.start();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.leadership?.stop();
  }

  private schedule(interval: number): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      RequestContext.run({ requestId: 'isolation-schedule', principal: SYSTEM_PRINCIPAL }, () => this.runner.run(SYSTEM_PRINCIPAL, 'schedule')).catch(
        (error: unknown) => {
          // A run still in progress (an on-demand one, or a slow scheduled one) is not a failure: this tick has nothing to do.
          if (error instanceof IsolationError && error.code === 'RUN_IN_PROGRESS') this.logger.log('scheduled verification skipped: a run is in progress');
          else this.logger.error(`scheduled verification failed: ${(error as Error).message}`);
        },
      );
    }, interval);
    this.timer.unref();
  }
}
