import { assembleProof, consistencyProofPlan, fromHex, rootFromNodeLookup, rootPlan, toHex, verifyConsistency, verifyTreeHead } from '@ai-commons/audit-proofs';
import { fetchNodes, latestTreeHead, queryableOf } from '@ai-commons/audit';
import { fail, pass, warning, type IsolationCheck } from './check';

export const auditTreeHead: IsolationCheck = {
  id: 'audit.tree-head',
  title: 'The audit log is intact: the latest tree head verifies and extends the one the previous run saw',
  concern: 'tamper-evidence',
  method:
    'Reads the latest signed tree head, verifies its Ed25519 signature with the audit public key it names (current or retired), recomputes its root from the stored Merkle nodes, and ' +
    "verifies a consistency proof from the previous verification run's tree head to it (RFC 9162): nothing logged before can have been changed or removed.",
  async run(context) {
    return context.asSystem(async (tx) => {
      const query = queryableOf(tx);
      const head = await latestTreeHead(query);
      context.treeHead = head;
      if (!head) return warning('No signed tree head yet (the audit sequencer has not signed one)', { treeHead: null });
      // After a signing-key rotation the latest head may still be the retired key's until the new one signs.
      const signer = context.keys.publicKeyById(head.keyId);
      if (!signer) {
        return fail(`The latest tree head is signed by key ${head.keyId}, neither the current signing key nor one in AUDIT_RETIRED_PUBLIC_KEYS`, {
          treeHead: head,
          publicKeyId: null,
          previousTreeHead: context.previousTreeHead,
          signature: 'unknown key',
        });
      }
      // The key the head was checked with (a retired one after a rotation), not necessarily the current key.
      const evidence: Record<string, unknown> = {
        treeHead: head,
        publicKeyId: signer.keyId,
        publicKeyCurrent: signer.current,
        previousTreeHead: context.previousTreeHead,
      };
      try {
        verifyTreeHead(head, signer.publicKey);
        evidence['signature'] = 'valid';
      } catch (error) {
        return fail(`The latest tree head's signature does not verify: ${(error as Error).message}`, { ...evidence, signature: 'invalid' });
      }
      const nodes = await fetchNodes(query, rootPlan(head.treeSize));
      const recomputed = toHex(rootFromNodeLookup(head.treeSize, nodes));
      evidence['recomputedRootHash'] = recomputed;
      if (recomputed !== head.rootHash)
        return fail(`The stored Merkle nodes give root ${recomputed.slice(0, 16)}…, not the signed ${head.rootHash.slice(0, 16)}…`, evidence);
      const previous = context.previousTreeHead;
      if (previous) {
        if (previous.treeSize > head.treeSize) return fail(`The log shrank: ${previous.treeSize} leaves at the previous run, ${head.treeSize} now`, evidence);
        try {
          const plan = consistencyProofPlan(previous.treeSize, head.treeSize);
          const proofNodes = await fetchNodes(query, plan.nodes);
          const proof = assembleProof(plan, proofNodes);
          verifyConsistency({
            fromSize: previous.treeSize,
            toSize: head.treeSize,
            fromRoot: fromHex(previous.rootHash),
            toRoot: fromHex(head.rootHash),
            proof,
          });
          evidence['consistency'] = { fromSize: previous.treeSize, toSize: head.treeSize, proofLength: proof.length, result: 'valid' };
        } catch (error) {
          return fail(`The log is not consistent with the tree head the previous run saw: ${(error as Error).message}`, {
            ...evidence,
            consistency: 'invalid',
          });
        }
      }
      return pass(
        previous
          ? `Tree head of ${head.treeSize} leaves verifies and extends the previous run's ${previous.treeSize}-leaf head`
          : `Tree head of ${head.treeSize} leaves verifies (first run: no earlier head to compare)`,
        evidence,
      );
    });
  },
};
