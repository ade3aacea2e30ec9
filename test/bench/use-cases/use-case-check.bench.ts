/**
 * What use-case enforcement adds to a gateway request: the UseCaseHook's admission (binding lookup,
 * mode lookup, checkUseCase, decision string) against a register of realistic size, compared with
 * an admission that does nothing. p50/p99 over 200 000 admissions after 20 000 warm-up ones.
 *
 *   node -r ./tools/register-ts.cjs test/bench/use-cases/use-case-check.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../../../libs/platform/core/src';
import type { AdmissionRequest } from '../../../libs/domain/gateway-admission/src';
import { UseCaseHook, type EnforcedUseCase, type EnforcementMode, type UseCaseSnapshot } from '../../../libs/domain/use-cases/src';

const INSTITUTIONS = 50;
const USE_CASES_PER_INSTITUTION = 40;
const KEYS_PER_USE_CASE = 5;
const WARMUP = 20_000;
const RUNS = 200_000;

const useCases = new Map<string, EnforcedUseCase>();
const apiKeyUseCases = new Map<string, string>();
const modes = new Map<string, EnforcementMode>();
const requests: AdmissionRequest[] = [];
for (let i = 0; i < INSTITUTIONS; i++) {
  const tenantId = randomUUID();
  modes.set(tenantId, 'enforce');
  const endpoints = Array.from({ length: 4 }, () => randomUUID());
  for (let u = 0; u < USE_CASES_PER_INSTITUTION; u++) {
    const id = randomUUID();
    useCases.set(id, {
      id,
      tenantId,
      state: 'approved',
      endpointIds: new Set(endpoints.slice(0, 2)),
      dataClassificationCeiling: 'confidential',
      validUntil: new Date(Date.now() + 86_400_000),
    });
    for (let k = 0; k < KEYS_PER_USE_CASE; k++) {
      const keyId = randomUUID();
      apiKeyUseCases.set(keyId, id);
      requests.push({
        requestId: 'bench',
        caller: {
          tenantId,
          principal: { subject: keyId, username: 'bench', roles: ['tenant-member'], authMethod: 'api-key', clientId: keyId },
          apiKey: { id: keyId, endpointIds: null, defaultClassification: 'internal' },
        },
        endpoint: { id: endpoints[k % 2], tenantId } as AdmissionRequest['endpoint'],
        operation: 'chat',
        estimatedTokens: 100,
        body: {},
        startedAt: 0,
      });
    }
  }
}
const snapshot: UseCaseSnapshot = { useCases, apiKeyUseCases, clientUseCases: new Map(), modes, loadedAt: new Date() };
const hook = new UseCaseHook(() => snapshot);
const noop = { decide: async (_request: AdmissionRequest) => ({ decision: 'allow' as const }) };
const policyLabels = Object.freeze({ labels: { dataClassification: 'internal', policyDecision: 'allow' } });

async function measure(admit: (request: AdmissionRequest) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const samples = new Float64Array(RUNS);
  // Each admission in a request context of its own, as on the gateway (the binding remembers it per context).
  const inContext = (request: AdmissionRequest) => RequestContext.run({ requestId: 'bench' }, () => admit(request));
  for (let i = 0; i < WARMUP; i++) await inContext(requests[i % requests.length]);
  for (let i = 0; i < RUNS; i++) {
    const request = requests[(i * 7919) % requests.length];
    const start = process.hrtime.bigint();
    await inContext(request);
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  samples.sort();
  return { p50: samples[Math.floor(RUNS * 0.5)], p99: samples[Math.floor(RUNS * 0.99)] };
}

void (async () => {
  const base = await measure((request) => noop.decide(request));
  // As the gateway runs it: after the data policy, whose labels carry the classification.
  const enforced = await measure((request) => hook.decide(request, policyLabels));
  const fmt = (ms: number) => `${(ms * 1000).toFixed(2)} µs`;
  console.log(`register: ${useCases.size} use cases, ${apiKeyUseCases.size} bound keys, ${INSTITUTIONS} institutions; ${RUNS} admissions each`);
  console.log('| admission | p50 | p99 |');
  console.log('| --- | --- | --- |');
  console.log(`| no-op hook | ${fmt(base.p50)} | ${fmt(base.p99)} |`);
  console.log(`| UseCaseHook (enforce, allowed) | ${fmt(enforced.p50)} | ${fmt(enforced.p99)} |`);
  console.log(`| **added by enforcement** | **${fmt(enforced.p50 - base.p50)}** | ${fmt(enforced.p99 - base.p99)} |`);
})();
