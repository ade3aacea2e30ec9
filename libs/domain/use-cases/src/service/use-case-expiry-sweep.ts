import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UseCaseService } from './use-case.service';

const SWEEP_MS = 60_000;

/**
 * Records `expired` on approvals past their validity, every minute. Enforcement does not wait
 * for it: the gateway compares the validity with the request's own time.
 */
@Injectable()
export class UseCaseExpirySweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UseCaseExpirySweep');
  private timer?: NodeJS.Timeout;

  constructor(private readonly useCases: UseCaseService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      const expired = await this.useCases.expireDue();
      if (expired > 0) this.logger.log(`expired ${expired} use-case approvals`);
      return expired;
    } catch (error) {
      this.logger.warn(`expiry sweep failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
