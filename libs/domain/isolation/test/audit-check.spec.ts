import { createHash } from 'node:crypto';
import { createTreeHead, generateSigningKeyPair, signTreeHead, type SignedTreeHead } from '@ai-commons/audit-proofs';
import { AuditKeys } from '@ai-commons/audit';
import { auditTreeHead } from '../src/checks/audit-check';
import type { RunContext } from '../src/checks/check';

const [current, retired, unknown] = [generateSigningKeyPair(), generateSigningKeyPair(), generateSigningKeyPair()];
const keys = new AuditKeys(current.privateKey, Buffer.alloc(32, 7), [retired.publicKey]);
// The empty tree (RFC 9162: its root is SHA-256 of nothing), so the check needs no stored Merkle nodes.
const EMPTY_ROOT = createHash('sha256').digest();

/** A run context whose system scope answers the latest-head query with `head`. */
function contextWith(head: SignedTreeHead): RunContext {
  const row = {
    tree_size: String(head.treeSize),
    signed_at: new Date(head.timestamp),
    root_hash: Buffer.from(head.rootHash, 'hex'),
    key_id: head.keyId,
    signature: head.signature,
  };
  const tx = { query: async () => [row] };
  return { keys, previousTreeHead: null, asSystem: (work: (tx: unknown) => Promise<unknown>) => work(tx) } as unknown as RunContext;
}
const headSignedBy = (pair: typeof current) => signTreeHead(createTreeHead(0, EMPTY_ROOT, new Date('2026-11-01T00:00:00Z')), pair.privateKey);

describe('audit.tree-head check', () => {
  it('records the key the head was actually checked with: the retired key after a rotation, not the current one', async () => {
    const head = headSignedBy(retired);
    const outcome = await auditTreeHead.run(contextWith(head));
    expect(outcome.status).toBe('pass');
    expect(outcome.evidence).toMatchObject({ publicKeyId: head.keyId, publicKeyCurrent: false, signature: 'valid' });
    expect(head.keyId).not.toBe(keys.keyId);
  });

  it('records the current key for a head the current key signed', async () => {
    const outcome = await auditTreeHead.run(contextWith(headSignedBy(current)));
    expect(outcome).toMatchObject({ status: 'pass', evidence: { publicKeyId: keys.keyId, publicKeyCurrent: true, signature: 'valid' } });
  });

  it('fails when the head is signed by a key that is neither current nor retired', async () => {
    const head = headSignedBy(unknown);
    const outcome = await auditTreeHead.run(contextWith(head));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`signed by key ${head.keyId}, neither the current signing key nor one in AUDIT_RETIRED_PUBLIC_KEYS`);
    expect(outcome.evidence).toMatchObject({ publicKeyId: null, signature: 'unknown key' });
  });
});
