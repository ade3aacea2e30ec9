import 'reflect-metadata';
import { loadConfig, ConfigValidationError } from '@ai-commons/config';
import { JsonLogger, otlpTracesUrl } from '@ai-commons/observability';
import { createControlPlane } from '@ai-commons/control-plane-server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`control-plane: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = new JsonLogger('control-plane', config.LOG_LEVEL);
  if (config.AI_COMMONS_PROFILE === 'demo')
    logger.event('warn', 'config.demo_profile', {
      note: 'AI_COMMONS_PROFILE=demo: publicly known demo secrets fill in what is not configured; never for production',
    });
  const controlPlane = await createControlPlane(config, { logger });
  logger.event('info', 'control-plane.ready', { url: controlPlane.url, graphql: `${controlPlane.url}/graphql`, tracing: otlpTracesUrl(config) ?? 'off' });

  // Like the gateway: close() lets requests finish and writes every queued audit record
  // (authorization refusals, the open authentication-failure window) before the process exits.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.event('info', 'control-plane.stopping', {
      signal,
      pendingAudit: controlPlane.audit.writer.pending,
      pendingAuthenticationFailures: controlPlane.audit.authenticationFailures.recorder.pending,
    });
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS);
    force.unref();
    controlPlane.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.event('error', 'control-plane.stop_failed', { error: (error as Error).message });
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
    process.stderr.write(`control-plane: ${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`control-plane failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
