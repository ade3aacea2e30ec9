import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public, TOKEN_VERIFIER, type TokenVerifier } from '@ai-commons/auth';
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

  /** Ready to serve: the database answers and Keycloak's signing keys can be fetched. */
  @Public()
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const [database, keycloak] = await Promise.all([
      check(() => this.db.ping()),
      check(() => this.verifier.checkKeys()),
    ]);
    const ok = database.status === 'up' && keycloak.status === 'up';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ready' : 'not-ready', checks: { database, keycloak } };
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
