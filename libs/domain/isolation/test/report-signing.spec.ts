import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { canonicalBytes } from '@ai-commons/audit-proofs';
import type { Principal } from '@ai-commons/core';
import { signReport, storedReportSignature, verifyReport } from '../src/report-signing';
import { assembleReport } from '../src/report/isolation-report';
import { checkResultArbitrary } from './fixtures';

const keys = generateKeyPairSync('ed25519');
const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const sign = (report: Record<string, unknown>) => signReport(report, keys.privateKey, 'key-1', publicKeyPem);

const jsonKey = fc.string({ maxLength: 10 }).filter((key) => key !== '__proto__');
const jsonReport = fc.dictionary(jsonKey, fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 8 }) as fc.Arbitrary<Record<string, unknown>>;
const sameCanonical = (a: unknown, b: unknown) => canonicalBytes(a).equals(canonicalBytes(b));

describe('isolation report signatures', () => {
  it('a signed report verifies, and its sha256 is that of its canonical JSON', () => {
    fc.assert(
      fc.property(jsonReport, (report) => {
        const signature = sign(report);
        expect(signature).toMatchObject({ algorithm: 'Ed25519', keyId: 'key-1', publicKeyPem });
        expect(signature.sha256).toBe(createHash('sha256').update(canonicalBytes(report)).digest('hex'));
        expect(verifyReport(report, signature, keys.publicKey)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('verifies after a JSON round trip with its members in any order (canonical JSON)', () => {
    fc.assert(
      fc.property(jsonReport, (report) => {
        const signature = sign(report);
        const reordered = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(report)) as Record<string, unknown>).reverse());
        expect(verifyReport(reordered, signature, keys.publicKey)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('fails when any field is changed, added or removed', () => {
    fc.assert(
      fc.property(jsonReport, fc.nat(), fc.jsonValue({ maxDepth: 2 }), jsonKey, (report, pick, value, newKey) => {
        const signature = sign(report);
        const keysOfReport = Object.keys(report);
        const changedKey = keysOfReport[pick % keysOfReport.length];
        const changed = { ...report, [changedKey]: value };
        if (!sameCanonical(changed, report)) expect(verifyReport(changed, signature, keys.publicKey)).toBe(false);
        const { [changedKey]: _removed, ...removed } = report;
        expect(verifyReport(removed, signature, keys.publicKey)).toBe(false);
        if (!(newKey in report)) expect(verifyReport({ ...report, [newKey]: value }, signature, keys.publicKey)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it("a run's report no longer verifies once a failed check is rewritten as passed", () => {
    const principal: Principal = { subject: 's', username: 'regulator', roles: ['regulator'], authMethod: 'keycloak-user', clientId: 'c' };
    fc.assert(
      fc.property(fc.array(checkResultArbitrary, { minLength: 1, maxLength: 6 }), fc.nat(), (results, pick) => {
        const index = pick % results.length;
        const withFailure = results.map((result, i) => (i === index ? { ...result, status: 'fail' as const } : result));
        const { report } = assembleReport({
          runId: 'r',
          trigger: 'schedule',
          requestedBy: principal,
          startedAt: new Date(0),
          finishedAt: new Date(1),
          durationMs: 1,
          environment: {},
          policy: { policyId: 'p', version: 1 },
          institutions: [],
          treeHead: null,
          results: withFailure,
        });
        const signature = sign(report);
        const forged = JSON.parse(JSON.stringify(report)) as { checks: { status: string }[] };
        forged.checks[index].status = 'pass';
        expect(verifyReport(report, signature, keys.publicKey)).toBe(true);
        expect(verifyReport(forged as unknown as Record<string, unknown>, signature, keys.publicKey)).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it('fails under another key and with a tampered signature', () => {
    const report = { purpose: 'ai-commons/isolation-report', status: 'passed' };
    const signature = sign(report);
    expect(verifyReport(report, signature, generateKeyPairSync('ed25519').publicKey)).toBe(false);
    const bytes = Buffer.from(signature.value, 'base64');
    bytes[0] ^= 1;
    expect(verifyReport(report, { value: bytes.toString('base64') }, keys.publicKey)).toBe(false);
  });

  it('a downloaded signature carries the PEM of the key its keyId names, or null when that key is no longer configured (never the current key under an old keyId)', () => {
    const report = { purpose: 'ai-commons/isolation-report', status: 'passed' };
    const { keyId, sha256, value } = sign(report);
    const current = { keyId: 'key-2', pem: 'current key PEM' };
    const configured = [current, { keyId: 'key-1', pem: publicKeyPem }];
    const byId = (list: typeof configured) => (id: string) => list.find((key) => key.keyId === id);
    const known = storedReportSignature({ keyId, sha256, value }, byId(configured));
    expect(known).toEqual({ algorithm: 'Ed25519', keyId: 'key-1', sha256, value, publicKeyPem });
    expect(verifyReport(report, known, keys.publicKey)).toBe(true);
    expect(storedReportSignature({ keyId, sha256, value }, byId([current])).publicKeyPem).toBeNull();
  });
});
