import fc from 'fast-check';
import type { Principal } from '@ai-commons/core';
import { REPORT_FORMAT_VERSION, REPORT_PURPOSE } from '../src/report-signing';
import { assembleReport, type ReportInput } from '../src/report/isolation-report';
import { checkResult, checkResultArbitrary } from './fixtures';

const regulator: Principal = { subject: 'sub-1', username: 'regulator', roles: ['regulator'], authMethod: 'keycloak-user', clientId: 'cli' };

const input = (overrides: Partial<ReportInput> = {}): ReportInput => ({
  runId: '6f0d3c1e-2f57-4b8e-9a51-8c3a9e0f4d21',
  trigger: 'on-demand',
  requestedBy: regulator,
  startedAt: new Date('2026-11-29T07:00:00.000Z'),
  finishedAt: new Date('2026-11-29T07:00:04.250Z'),
  durationMs: 4250,
  environment: { database: 'ai_commons', appRole: 'ai_commons_app', postgresVersion: '17.2' },
  policy: { policyId: 'fsi-default', version: 3 },
  institutions: [{ id: 'i-1', slug: 'hanbit-bank', status: 'active', ceiling: 'personal-credit' }],
  treeHead: null,
  results: [checkResult()],
  ...overrides,
});

describe('isolation report assembly', () => {
  it('states the run: purpose, format, requester, times, verdict, counts, policy, institutions, checks', () => {
    const { report, status, tally } = assembleReport(input({ results: [checkResult(), checkResult({ id: 'probe.gateway', status: 'warning' })] }));
    expect(status).toBe('warning');
    expect(tally).toEqual({ pass: 1, fail: 0, warning: 1 });
    expect(report).toMatchObject({
      purpose: REPORT_PURPOSE,
      formatVersion: REPORT_FORMAT_VERSION,
      runId: '6f0d3c1e-2f57-4b8e-9a51-8c3a9e0f4d21',
      trigger: 'on-demand',
      requestedBy: { subject: 'sub-1', username: 'regulator', roles: ['regulator'] },
      startedAt: '2026-11-29T07:00:00.000Z',
      finishedAt: '2026-11-29T07:00:04.250Z',
      durationMs: 4250,
      status: 'warning',
      summary: { pass: 1, fail: 0, warning: 1, checks: 2 },
      environment: { database: 'ai_commons', appRole: 'ai_commons_app', postgresVersion: '17.2' },
      policy: { policyId: 'fsi-default', version: 3 },
      institutions: [{ id: 'i-1', slug: 'hanbit-bank', status: 'active', ceiling: 'personal-credit' }],
      treeHead: null,
    });
    expect((report['checks'] as unknown[]).map((check) => (check as { id: string }).id)).toEqual(['rls.tenant-tables', 'probe.gateway']);
  });

  it('names only what the report format holds: no client, no extra institution columns; a missing username is null', () => {
    const { report } = assembleReport(
      input({
        requestedBy: { subject: 'system', roles: ['platform-admin'], authMethod: 'system', clientId: 'scheduler' } as Principal,
        institutions: [{ id: 'i-1', slug: 'hanbit-bank', status: 'active', ceiling: 'internal', secret: 'x' } as never],
        policy: { policyId: 'fsi-default', version: 1, rules: ['…'] } as never,
      }),
    );
    expect(report['requestedBy']).toEqual({ subject: 'system', username: null, roles: ['platform-admin'] });
    expect(report['institutions']).toEqual([{ id: 'i-1', slug: 'hanbit-bank', status: 'active', ceiling: 'internal' }]);
    expect(report['policy']).toEqual({ policyId: 'fsi-default', version: 1 });
  });

  it('is plain JSON: what is signed equals what is stored and downloaded', () => {
    fc.assert(
      fc.property(fc.array(checkResultArbitrary, { maxLength: 8 }), (results) => {
        const { report, status, tally } = assembleReport(
          input({ results: results.map((result) => ({ ...result, evidence: { ...result.evidence, absent: undefined, at: new Date(0) } })) }),
        );
        expect(JSON.parse(JSON.stringify(report))).toEqual(report);
        expect(report['status']).toBe(status);
        expect(report['summary']).toEqual({ ...tally, checks: results.length });
        for (const check of report['checks'] as { evidence: Record<string, unknown> }[]) {
          expect(check.evidence).not.toHaveProperty('absent');
          expect(check.evidence['at']).toBe('1970-01-01T00:00:00.000Z');
        }
      }),
      { numRuns: 50 },
    );
  });
});
