import { NOTHING_DECIDED, type AdmissionRequest, type AdmissionSoFar } from '@ai-commons/gateway-admission';
import type { EnforcedUseCase } from '../use-case-enforcement';
import type { EnforcementMode } from '../use-case.model';
import { UseCaseHook, UseCaseNotApprovedError } from './use-case-hook';
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

const approved = (id: string, tenantId = TENANT): EnforcedUseCase => ({
  id,
  tenantId,
  state: 'approved',
  endpointIds: new Set([ENDPOINT]),
  dataClassificationCeiling: 'internal',
  validUntil: new Date(NOW + 1000),
});

function request(options: { keyId?: string; clientId?: string } = {}): AdmissionRequest {
  return Object.freeze({
    requestId: 'r',
    caller: {
      tenantId: TENANT,
      principal: {
        subject: 's',
        username: 's',
        roles: ['tenant-member'],
        authMethod: options.keyId ? 'api-key' : 'keycloak-service-account',
        clientId: options.clientId ?? options.keyId ?? 'svc',
      },
      apiKey: options.keyId ? { id: options.keyId, endpointIds: null, defaultClassification: 'internal' } : undefined,
    },
    endpoint: {
      id: ENDPOINT,
      tenantId: TENANT,
      name: 'm',
      upstreamModel: 'm',
      hosting: 'shared-infrastructure',
      region: 'KR',
      networkZone: 'internal',
      authorityConfirmationExpiresAt: null,
    },
    operation: 'chat',
    estimatedTokens: 1,
    body: {},
    startedAt: 0,
  }) as AdmissionRequest;
}

const labelled = (dataClassification: string): AdmissionSoFar => ({ labels: { dataClassification, policyDecision: 'allow' } });

describe('UseCaseHook', () => {
  it('allows a key bound to an approved use case and labels the decision', async () => {
    const hook = new UseCaseHook(
      () => snapshot('enforce', [approved('u1')], [['k1', 'u1']]),
      () => NOW,
    );
    expect(await hook.decide(request({ keyId: 'k1' }), NOTHING_DECIDED)).toEqual({ decision: 'allow', useCase: { id: 'u1', decision: 'allow' } });
  });

  it('reads the classification the policy resolved: above the ceiling is refused', async () => {
    const hook = new UseCaseHook(
      () => snapshot('enforce', [approved('u1')], [['k1', 'u1']]),
      () => NOW,
    );
    const decision = await hook.decide(request({ keyId: 'k1' }), labelled('confidential'));
    expect(decision).toMatchObject({
      decision: 'refuse',
      refusal: { record: { dataClassification: 'confidential', details: { useCaseReason: 'classification_above_ceiling' } } },
    });
  });

  it('binds service accounts per institution: the same client id in another institution does not match', async () => {
    const hook = new UseCaseHook(
      () => snapshot('enforce', [approved('u1')], [], [[clientKey(OTHER, 'svc'), 'u1']]),
      () => NOW,
    );
    const decision = await hook.decide(request({ clientId: 'svc' }), NOTHING_DECIDED);
    expect(decision).toMatchObject({
      decision: 'refuse',
      refusal: { error: { status: 403, code: 'use_case_not_approved', useCase: { id: null, reason: 'unbound' } } },
    });
  });

  it('never honours a use case of another institution', async () => {
    const hook = new UseCaseHook(
      () => snapshot('enforce', [approved('u1', OTHER)], [['k1', 'u1']]),
      () => NOW,
    );
    expect(await hook.decide(request({ keyId: 'k1' }), NOTHING_DECIDED)).toMatchObject({
      refusal: { error: { useCase: { id: 'u1', state: null, reason: 'unknown_use_case' } } },
    });
  });

  it('refuses in enforce mode with an OpenAI-shaped body and a decision record; allows in report-only with what enforcement would have done', async () => {
    const suspended = { ...approved('u1'), state: 'suspended' as const };
    const enforce = new UseCaseHook(
      () => snapshot('enforce', [suspended], [['k1', 'u1']]),
      () => NOW,
    );
    const decision = await enforce.decide(request({ keyId: 'k1' }), NOTHING_DECIDED);
    if (decision.decision !== 'refuse') throw new Error('expected a refusal');
    expect(decision.refusal.error).toBeInstanceOf(UseCaseNotApprovedError);
    expect(JSON.parse(decision.refusal.error.body())).toEqual({
      error: {
        message: expect.any(String),
        type: 'permission_error',
        param: null,
        code: 'use_case_not_approved',
        use_case: { id: 'u1', state: 'suspended', reason: 'not_approved' },
      },
    });
    expect(decision.refusal.record).toMatchObject({
      policyDecision: 'deny:use_case_not_approved',
      details: { useCaseId: 'u1', useCaseState: 'suspended', useCaseReason: 'not_approved' },
    });
    const reportOnly = new UseCaseHook(
      () => snapshot('report-only', [suspended], [['k1', 'u1']]),
      () => NOW,
    );
    expect(await reportOnly.decide(request({ keyId: 'k1' }), NOTHING_DECIDED)).toEqual({
      decision: 'allow',
      useCase: { id: 'u1', decision: 'report-only:not_approved' },
    });
  });

  it('an institution missing from the snapshot is enforced (fail closed)', async () => {
    const hook = new UseCaseHook(
      () => ({ ...snapshot('enforce', []), modes: new Map() }),
      () => NOW,
    );
    expect((await hook.decide(request({ keyId: 'k9' }), NOTHING_DECIDED)).decision).toBe('refuse');
  });

  it('names the use case of a request refused elsewhere (for its refusal record)', () => {
    const hook = new UseCaseHook(
      () => snapshot('enforce', [approved('u1')], [['k1', 'u1']]),
      () => NOW,
    );
    expect(hook.refusalDetails(request({ keyId: 'k1' }))).toEqual({ useCaseId: 'u1' });
    expect(hook.refusalDetails(undefined)).toEqual({});
  });
});
