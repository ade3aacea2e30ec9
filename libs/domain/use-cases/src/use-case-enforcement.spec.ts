import { checkUseCase, enforcementOutcome, type EnforcedUseCase } from './use-case-enforcement';

const NOW = Date.parse('2026-12-03T00:00:00Z');
const ENDPOINT = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const base: EnforcedUseCase = {
  id: 'u1',
  tenantId: 't1',
  state: 'approved',
  endpointIds: new Set([ENDPOINT]),
  dataClassificationCeiling: 'confidential',
  validUntil: new Date(NOW + 1000),
};

describe('checkUseCase', () => {
  it('allows an approved, valid use case on its endpoint within its ceiling', () => {
    expect(checkUseCase(base, ENDPOINT, 'confidential', NOW)).toEqual({ allowed: true });
    expect(checkUseCase(base, ENDPOINT, undefined, NOW)).toEqual({ allowed: true });
  });
  it.each([
    ['unknown use case', undefined, ENDPOINT, 'internal', 'unknown_use_case'],
    ['submitted', { ...base, state: 'submitted' as const }, ENDPOINT, 'internal', 'not_approved'],
    ['suspended', { ...base, state: 'suspended' as const }, ENDPOINT, 'internal', 'not_approved'],
    ['past validity', { ...base, validUntil: new Date(NOW) }, ENDPOINT, 'internal', 'approval_expired'],
    ['other endpoint', base, 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'internal', 'endpoint_not_allowed'],
    ['above ceiling', base, ENDPOINT, 'personal-credit', 'classification_above_ceiling'],
    ['unknown label', base, ENDPOINT, 'secret', 'classification_above_ceiling'],
  ])('refuses: %s', (_label, useCase, endpoint, classification, reason) => {
    expect(checkUseCase(useCase, endpoint, classification, NOW)).toMatchObject({ allowed: false, reason });
  });
  it('says what enforcement would have done in report-only mode', () => {
    const verdict = checkUseCase({ ...base, state: 'suspended' }, ENDPOINT, 'internal', NOW);
    expect(enforcementOutcome('report-only', verdict)).toBe('report-only:not_approved');
    expect(enforcementOutcome('enforce', verdict)).toBe('deny:not_approved');
    expect(enforcementOutcome('enforce', { allowed: true })).toBe('allow');
  });
});
