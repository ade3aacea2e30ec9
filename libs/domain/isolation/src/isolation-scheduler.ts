import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import { RequestContext, SYSTEM_PRINCIPAL } from '@ai-commons/core';
import { VerificationRunner } from './verification/verification-runner';

/** Runs a verification every ISOLATION_SCHEDULE_MS (0: never); the first one an interval after start. */
@Injectable()
export class IsolationScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly logger = new Logger('IsolationScheduler');

  constructor(
    private readonly runner: VerificationRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.ISOLATION_SCHEDULE_MS;
    if (!interval) return;
    this.timer = setInterval(() => {
      RequestContext.run({ requestId: 'isolation-schedule', principal: SYSTEM_PRINCIPAL }, () => this.runner.run(SYSTEM_PRINCIPAL, 'schedule')).catch(
        (error: unknown) => this.logger.error(`scheduled verification failed: ${(error as Error).message}`),
      );
    }, interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
