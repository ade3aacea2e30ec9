// The browser's report verifier agrees with the server's signer (libs/domain/isolation report-signing:
// Ed25519 over the RFC 8785 canonical JSON of libs/domain/audit-proofs, done here as signReport does) and names the check that fails otherwise.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test only: the server's signer and canonical JSON are the reference
import { canonicalJson as serverCanonicalJson } from '@ai-commons/audit-proofs';
import { canonicalJson } from '../src/verification/canonical-json';
import { parsePinnedKey } from '../src/verification/pinned-key';
import { verifyIsolationReport } from '../src/verification/verify-report';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const report = {
  purpose: 'ai-commons/isolation-report',
  formatVersion: 1,
  runId: 'r1',
  status: 'passed',
  summary: { pass: 2, fail: 0 },
  checks: [{ id: 'b', évidence: { z: 1, a: [true, null, 'x'] } }],
};

describe('verifyIsolationReport (WebCrypto, RFC 8785)', () => {
  it('canonical JSON is the server’s for any JSON data (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const data = JSON.parse(JSON.stringify(value)) as unknown;
        expect(canonicalJson(data)).toBe(serverCanonicalJson(data));
      }),
    );
  });

  it('verifies what the server signed; names the failed check otherwise', async () => {
    const key = await parsePinnedKey(pem);
    const bytes = Buffer.from(serverCanonicalJson(report), 'utf8');
    const signature = { keyId: key.keyId, sha256: createHash('sha256').update(bytes).digest('hex'), value: sign(null, bytes, privateKey).toString('base64') };
    expect(await verifyIsolationReport({ report, signature }, key)).toMatchObject({ ok: true, sha256: signature.sha256 });
    expect(await verifyIsolationReport({ report: { ...report, status: 'failed' }, signature }, key)).toMatchObject({ ok: false, check: 'sha256' });
    expect(await verifyIsolationReport({ report, signature: { ...signature, value: Buffer.alloc(64).toString('base64') } }, key)).toMatchObject({
      ok: false,
      check: 'signature',
    });
    const other = await parsePinnedKey(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(await verifyIsolationReport({ report, signature }, other)).toMatchObject({ ok: false, check: 'key-id' });
  });
});
