import type { TestDatabase } from '@ai-commons/testing';
import { testConfig } from '@ai-commons/testing';
import { createControlPlane, type ControlPlane, type ControlPlaneOverrides } from '@ai-commons/control-plane-server';
import { JsonLogger } from '@ai-commons/observability';
import { seedDemoConsortium, InstitutionService } from '@ai-commons/tenancy';

export function e2eDatabase(): TestDatabase {
  const raw = process.env.E2E_DATABASE;
  if (!raw) throw new Error('E2E_DATABASE is not set: run through test/e2e/jest.config.cjs');
  return JSON.parse(raw) as TestDatabase;
}

/** Lines the server logged, so tests can assert on them (e.g. that no secret is logged). */
export const capturedLogLines: string[] = [];

/** Starts an in-process control plane on a free port against the e2e database, demo-seeded. */
export async function startControlPlane(
  env: Record<string, string> = {},
  overrides: ControlPlaneOverrides = {},
): Promise<ControlPlane> {
  const config = testConfig(e2eDatabase(), env);
  const logger = new JsonLogger('control-plane', 'debug', (line) => capturedLogLines.push(line));
  const controlPlane = await createControlPlane(config, { logger, port: 0, ...overrides });
  await seedDemoConsortium(controlPlane.app.get(InstitutionService));
  return controlPlane;
}
