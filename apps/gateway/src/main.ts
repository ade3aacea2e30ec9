import 'reflect-metadata';
import { ConfigValidationError, loadConfig } from '@ai-commons/config';
import { JsonLogger, otlpTracesUrl } from '@ai-commons/observability';
import { createGateway } from '@ai-commons/gateway-server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`gateway: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = new JsonLogger('gateway', config.LOG_LEVEL);
  if (config.AI_COMMONS_PROFILE === 'demo')
    logger.event('warn', 'config.demo_profile', {
      note: 'AI_COMMONS_PROFILE=demo: publicly known demo secrets fill in what is not configured; never for production',
    });
  const gateway = await createGateway(config, { logger });
  logger.event('info', 'gateway.ready', { url: gateway.url, openaiBaseUrl: `${gateway.url}/v1`, tracing: otlpTracesUrl(config) ?? 'off' });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.event('info', 'gateway.stopping', { signal, pendingUsage: gateway.usage.pending });
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS);
    force.unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.event('error', 'gateway.stop_failed', { error: (error as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // A configuration the database refuses at boot (e.g. an owner connection) is a readable config error too.
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`gateway: ${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
