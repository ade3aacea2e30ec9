// The browser verifier accepts exactly what the audit log signs (differential: the server's own
// signing code from libs/domain/audit-proofs), and names the check that fails otherwise.
import { generateKeyPairSync } from 'node:crypto';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test only: the server's signer is the reference the browser must agree with
import { canonicalJson, keyIdOf, leafHashOfUtf8, nodeHash as serverNodeHash, signTreeHead, toHex } from '@ai-commons/audit-proofs';
import { parsePinnedKey, PinnedKeyError } from '../src/verification/pinned-key';
import { verifyEventInclusion, type InclusionProofData } from '../src/verification/verify-event';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const raw = (publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12);

/** A log of four events; the proof of the one at leafIndex against a head the server code signs. */
function fixture(leafIndex = 2): { eventId: string; proof: InclusionProofData } {
  const events = [0, 1, 2, 3].map((i) => canonicalJson({ id: `00000000-0000-4000-8000-00000000000${i}`, leafIndex: i, action: 'test.event', v: 1 }));
  const leaves = events.map((event) => leafHashOfUtf8(event));
  const left = serverNodeHash(leaves[0]!, leaves[1]!);
  const right = serverNodeHash(leaves[2]!, leaves[3]!);
  const root = serverNodeHash(left, right);
  const sibling = leafIndex % 2 === 0 ? leaves[leafIndex + 1]! : leaves[leafIndex - 1]!;
  const uncle = leafIndex < 2 ? right : left;
  const head = signTreeHead({ treeSize: 4, timestamp: '2026-12-03T09:00:00.000Z', rootHash: toHex(root) }, privateKey);
  return {
    eventId: `00000000-0000-4000-8000-00000000000${leafIndex}`,
    proof: {
      leafIndex,
      treeSize: 4,
      leafHash: toHex(leaves[leafIndex]!),
      canonicalEvent: events[leafIndex]!,
      proof: [toHex(sibling), toHex(uncle)],
      treeHead: head,
    },
  };
}

describe('verifyEventInclusion (WebCrypto SHA-256 and Ed25519)', () => {
  it.each([0, 1, 2, 3])('verifies leaf %i against the head the server signed, with the key pasted as PEM or raw base64', async (leafIndex) => {
    const { eventId, proof } = fixture(leafIndex);
    expect(await verifyEventInclusion(eventId, proof, await parsePinnedKey(pem))).toEqual({ ok: true, treeSize: 4 });
    expect(await verifyEventInclusion(eventId, proof, await parsePinnedKey(raw.toString('base64')))).toEqual({ ok: true, treeSize: 4 });
  });

  it('computes the same key id as the server', async () => {
    expect((await parsePinnedKey(pem)).keyId).toBe(keyIdOf(publicKey));
  });

  const failures: [string, (proof: InclusionProofData) => InclusionProofData, string][] = [
    ['one proof hash altered', (p) => ({ ...p, proof: [p.proof[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0')), p.proof[1]!] }), 'root-hash'],
    [
      'the root hash altered',
      (p) => ({ ...p, treeHead: { ...p.treeHead, rootHash: p.treeHead.rootHash.replace(/.$/, (c) => (c === '0' ? '1' : '0')) } }),
      'root-hash',
    ],
    ['a proof element missing', (p) => ({ ...p, proof: p.proof.slice(1) }), 'proof-shape'],
    ['a proof element not hex', (p) => ({ ...p, proof: ['zz', p.proof[1]!] }), 'proof-shape'],
    ['another event in the leaf', (p) => ({ ...p, canonicalEvent: p.canonicalEvent.replace('test.event', 'test.other') }), 'leaf-hash'],
    ['the leaf of another event', (p) => ({ ...p, canonicalEvent: p.canonicalEvent.replace(/"id":"[^"]+"/, '"id":"someone-else"') }), 'canonical-event'],
    ['a proof for another tree size', (p) => ({ ...p, treeSize: 5 }), 'tree-size'],
    ['the signed timestamp altered', (p) => ({ ...p, treeHead: { ...p.treeHead, timestamp: '2026-12-03T09:00:00.001Z' } }), 'signature'],
    ['the signature not base64', (p) => ({ ...p, treeHead: { ...p.treeHead, signature: '***' } }), 'signature'],
  ];
  it.each(failures)('fails on %s, naming the check', async (_what, alter, check) => {
    const { eventId, proof } = fixture();
    const result = await verifyEventInclusion(eventId, alter(proof), await parsePinnedKey(pem));
    expect(result).toMatchObject({ ok: false, check });
  });

  it('fails key-id with a key that did not sign the head', async () => {
    const { eventId, proof } = fixture();
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(await verifyEventInclusion(eventId, proof, await parsePinnedKey(other))).toMatchObject({ ok: false, check: 'key-id' });
  });

  it('refuses pinned keys that are not Ed25519 public keys', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const text of ['', 'not base64 !!', rsa, Buffer.alloc(31).toString('base64')]) {
      await expect(parsePinnedKey(text)).rejects.toBeInstanceOf(PinnedKeyError);
    }
  });
});
