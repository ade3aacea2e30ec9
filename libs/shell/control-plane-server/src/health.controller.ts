import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal, Public, TOKEN_VERIFIER, type TokenVerifier } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { TenantDatabase } from '@ai-commons/database';

@Controller('health')
export class HealthController {
  constructor(
    private readonly db: TenantDatabase,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  /** The process is up and serving HTTP. */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready to serve: the database answers and Keycloak's signing keys can be fetched. Anyone gets
   * the status; the checks (which dependency is down, its error, its latency) only a platform
   * admin's bearer token gets — they describe the infrastructure to whoever asks.
   */
  @Public()
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response, @CurrentPrincipal() principal: Principal | undefined) {
    const [database, keycloak] = await Promise.all([check(() => this.db.ping()), check(() => this.verifier.checkKeys())]);
    const ok = database.status === 'up' && keycloak.status === 'up';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const status = ok ? 'ready' : 'not-ready';
    return principal?.roles.includes('platform-admin') ? { status, checks: { database, keycloak } } : { status };
  }
}

async function check(probe: () => Promise<void>): Promise<{ status: 'up' | 'down'; error?: string; latencyMs: number }> {
  const started = performance.now();
  try {
    await probe();
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    return { status: 'down', error: reason, latencyMs: Math.round(performance.now() - started) };
  }
}
