import { RequestContext } from '@ai-commons/core';
import type { EnforcedUseCase, EnforcementMode } from '@ai-commons/use-cases';
import type { AdmissionRequest } from '../pipeline/request-hooks';
import { UseCaseHook, UseCaseNotApprovedError, type UseCaseAdmissionFields } from './use-case-hook';
import { clientKey, type UseCaseSnapshot } from './use-case-store';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const ENDPOINT = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
const NOW = Date.parse('2026-12-03T00:00:00Z');

function snapshot(mode: EnforcementMode, useCases: EnforcedUseCase[], keys: [string, string][] = [], clients: [string, string][] = []): UseCaseSnapshot {
  return {
    useCases: new Map(useCases.map((useCase) => [useCase.id, useCase])),
    apiKeyUseCases: new Map(keys),
    clientUseCases: new Map(clients),
    modes: new Map([[TENANT, mode]]),
    loadedAt: new Date(NOW),
  };
}

const approved = (id: string, tenantId = TENANT): EnforcedUseCase => ({ id, tenantId, state: 'approved', endpointIds: new Set([ENDPOINT]), dataClassificationCeiling: 'internal', validUntil: new Date(NOW + 1000) });

function request(options: { keyId?: string; clientId?: string; classification?: string } = {}): AdmissionRequest & UseCaseAdmissionFields {
  return {
    requestId: 'r',
    caller: {
      tenantId: TENANT,
      principal: { subject: 's', username: 's', roles: ['tenant-member'], authMethod: options.keyId ? 'api-key' : 'keycloak-service-account', clientId: options.clientId ?? options.keyId ?? 'svc' },
      apiKey: options.keyId ? { tenantId: TENANT, id: options.keyId, endpointIds: null, defaultClassification: 'internal', expiresAt: null, revoked: false } : undefined,
    },
    endpoint: { id: ENDPOINT, tenantId: TENANT, name: 'm', upstreamModel: 'm' } as AdmissionRequest['endpoint'],
    operation: 'chat',
    estimatedTokens: 1,
    body: {},
    startedAt: 0,
    ...(options.classification ? { dataClassification: options.classification } : {}),
  } as AdmissionRequest & UseCaseAdmissionFields;
}

const audit = () => {
  const events: unknown[] = [];
  return { events, appendDurable: async (event: unknown) => void events.push(event) };
};

describe('UseCaseHook', () => {
  it('serves a key bound to an approved use case and records the decision', async () => {
    const hook = new UseCaseHook(() => snapshot('enforce', [approved('u1')], [['k1', 'u1']]), audit(), () => NOW);
    const admission = request({ keyId: 'k1' });
    await hook.admit(admission);
    expect(admission).toMatchObject({ useCaseId: 'u1', useCaseDecision: 'allow' });
  });

  it('binds service accounts per institution: the same client id in another institution does not match', async () => {
    const hook = new UseCaseHook(() => snapshot('enforce', [approved('u1')], [], [[clientKey(OTHER, 'svc'), 'u1']]), audit(), () => NOW);
    await expect(hook.admit(request({ clientId: 'svc' }))).rejects.toMatchObject({ status: 403, code: 'use_case_not_approved', useCase: { id: null, reason: 'unbound' } });
  });

  it('never honours a use case of another institution', async () => {
    const hook = new UseCaseHook(() => snapshot('enforce', [approved('u1', OTHER)], [['k1', 'u1']]), audit(), () => NOW);
    await expect(hook.admit(request({ keyId: 'k1' }))).rejects.toMatchObject({ useCase: { id: 'u1', state: null, reason: 'unknown_use_case' } });
  });

  it('refuses in enforce mode with an OpenAI-shaped body, the refusal recorded first; serves in report-only', async () => {
    const records = audit();
    const suspended = { ...approved('u1'), state: 'suspended' as const };
    const enforce = new UseCaseHook(() => snapshot('enforce', [suspended], [['k1', 'u1']]), records, () => NOW);
    const error = (await enforce.admit(request({ keyId: 'k1' })).catch((caught: unknown) => caught)) as UseCaseNotApprovedError;
    expect(JSON.parse(error.body())).toEqual({
      error: { message: expect.any(String), type: 'permission_error', param: null, code: 'use_case_not_approved', use_case: { id: 'u1', state: 'suspended', reason: 'not_approved' } },
    });
    expect(records.events).toEqual([expect.objectContaining({ action: 'gateway.request.rejected', httpStatus: 403, details: expect.objectContaining({ useCaseId: 'u1', useCaseReason: 'not_approved' }) })]);
    const reportOnly = new UseCaseHook(() => snapshot('report-only', [suspended], [['k1', 'u1']]), audit(), () => NOW);
    const admission = request({ keyId: 'k1' });
    await reportOnly.admit(admission);
    expect(admission.useCaseDecision).toBe('report-only:not_approved');
  });

  it('an institution missing from the snapshot is enforced (fail closed)', async () => {
    const hook = new UseCaseHook(() => ({ ...snapshot('enforce', []), modes: new Map() }), audit(), () => NOW);
    await expect(hook.admit(request({ keyId: 'k9' }))).rejects.toBeInstanceOf(UseCaseNotApprovedError);
  });

  it('the binding hook names the use case first, for the refusal records of later hooks', async () => {
    const hook = new UseCaseHook(() => snapshot('enforce', [approved('u1')], [['k1', 'u1']]), audit(), () => NOW);
    await RequestContext.run({ requestId: 'r' }, async () => {
      expect(hook.refusalDetails()).toEqual({});
      const admission = request({ keyId: 'k1' });
      await hook.binding.admit(admission);
      expect(admission.useCaseId).toBe('u1');
      expect(hook.refusalDetails()).toEqual({ useCaseId: 'u1' });
    });
  });
});
