import 'reflect-metadata';
import { loadConfig, ConfigValidationError } from '@ai-commons/config';
import { JsonLogger } from '@ai-commons/observability';
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
  const controlPlane = await createControlPlane(config, { logger });
  logger.event('info', 'control-plane.ready', { url: controlPlane.url, graphql: `${controlPlane.url}/graphql` });
}

main().catch((error: unknown) => {
  process.stderr.write(`control-plane failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
