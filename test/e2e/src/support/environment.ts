import { createGateway, type Gateway, type GatewayOverrides } from '@ai-commons/gateway-server';
import type { TestDatabase } from '@ai-commons/testing';
import { testConfig } from '@ai-commons/testing';
import { createControlPlane, type ControlPlane, type ControlPlaneOverrides } from '@ai-commons/control-plane-server';
import { JsonLogger } from '@ai-commons/observability';
import { seedDemoConsortium, InstitutionService } from '@ai-commons/tenancy';
import { RequestContext, SYSTEM_PRINCIPAL } from '@ai-commons/core';
import { UseCaseService } from '@ai-commons/use-cases';
import { withPg } from '@ai-commons/testing';

export function e2eDatabase(): TestDatabase {
  const raw = process.env.E2E_DATABASE;
  if (!raw) throw new Error('E2E_DATABASE is not set: run through test/e2e/jest.config.cjs');
  return JSON.parse(raw) as TestDatabase;
}

/** Lines the server logged, so tests can assert on them (e.g. that no secret is logged). */
export const capturedLogLines: string[] = [];

/** Starts an in-process control plane on a free port against the e2e database, demo-seeded. */
export async function startControlPlane(env: Record<string, string> = {}, overrides: ControlPlaneOverrides = {}): Promise<ControlPlane> {
  const config = testConfig(e2eDatabase(), env);
  const logger = new JsonLogger('control-plane', 'debug', (line) => capturedLogLines.push(line));
  const controlPlane = await createControlPlane(config, { logger, port: 0, ...overrides });
  const created = await seedDemoConsortium(controlPlane.app.get(InstitutionService));
  await demoConsortiumPredatesRegister(controlPlane, created);
  return controlPlane;
}

export const capturedGatewayLogLines: string[] = [];

/** Starts an in-process gateway on a free port against the e2e database. */
export async function startGateway(env: Record<string, string> = {}, overrides: GatewayOverrides = {}): Promise<Gateway> {
  const config = testConfig(e2eDatabase(), { GATEWAY_USAGE_FLUSH_MS: '50', ...env });
  const logger = new JsonLogger('gateway', 'debug', (line) => capturedGatewayLogLines.push(line));
  return createGateway(config, { logger, port: 0, ...overrides });
}

/** Waits until `condition` holds (routing reloads arrive asynchronously by NOTIFY). */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls `probe` until it returns a value (not undefined or false) and returns it; `what` names it in the timeout error. */
export async function eventuallyValue<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The demo consortium predates the AI use-case register: like existing members on migration, its
 * institutions serve in `report-only` mode (so the tests' unbound fixture keys keep working);
 * use-case enforcement tests switch one to `enforce` for their duration.
 */
async function demoConsortiumPredatesRegister(controlPlane: ControlPlane, createdSlugs: string[]): Promise<void> {
  if (createdSlugs.length === 0) return;
  const ids = await withPg(e2eDatabase().superuserUrl, async (client) =>
    (await client.query<{ id: string }>('select id from institutions where slug = any($1)', [createdSlugs])).rows.map((row) => row.id),
  );
  const useCases = controlPlane.app.get(UseCaseService);
  await RequestContext.run({ requestId: 'e2e-seed', principal: SYSTEM_PRINCIPAL }, async () => {
    for (const id of ids) await useCases.setEnforcement(SYSTEM_PRINCIPAL, id, 'report-only');
  });
}
