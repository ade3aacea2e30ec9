// Supervisor: the timeline of signed tree heads, and a consistency check between two of them done in
// the browser (both signatures against the pinned key, the RFC 9162 consistency proof between the
// SIGNED roots) — so an examiner sees for themselves that the log only grew.
import { useState } from 'react';
import { request } from '../../api/client';
import { useQuery } from '../../api/use-query';
import { QueryView } from '../../components/status';
import { formatDateTime, formatNumber } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { Link, useRouter } from '../../navigation/router';
import { loadPinnedKeyText, parsePinnedKey, savePinnedKeyText } from '../../verification/pinned-key';
import type { SignedTreeHead } from '../../verification/tree-head';
import { verifyHeadConsistency, type ConsistencyResult } from '../../verification/verify-consistency';
import { ConsistencyProofDocument, TreeHeadsDocument } from './documents';

const PAGE_SIZE = 50;
const headKey = (head: SignedTreeHead) => `${head.treeSize}@${head.timestamp}`;

export function TreeHeadsPage() {
  const { t, locale } = useI18n();
  const { location } = useRouter();
  const after = location.search.get('after');
  const query = useQuery(() => request(TreeHeadsDocument, { first: PAGE_SIZE, after }), `tree-heads:${after}`);
  const [selected, setSelected] = useState<SignedTreeHead[]>([]);
  const [keyText, setKeyText] = useState(loadPinnedKeyText);
  const [result, setResult] = useState<ConsistencyResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const toggle = (head: SignedTreeHead, on: boolean) => {
    setResult(null);
    setSelected((current) =>
      on ? [...current.filter((h) => headKey(h) !== headKey(head)), head].slice(-2) : current.filter((h) => headKey(h) !== headKey(head)),
    );
  };
  const check = async () => {
    setRunning(true);
    setResult(null);
    setError(null);
    try {
      const key = await parsePinnedKey(keyText);
      savePinnedKeyText(keyText);
      const [older, newer] = [...selected].sort((a, b) => a.treeSize - b.treeSize || a.timestamp.localeCompare(b.timestamp));
      const { consistencyProof } = await request(ConsistencyProofDocument, { fromSize: older!.treeSize, toSize: newer!.treeSize });
      setResult(await verifyHeadConsistency(older!, newer!, consistencyProof, key));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setRunning(false);
    }
  };
  return (
    <section aria-labelledby="tree-heads-title">
      <h1 id="tree-heads-title">{t('treeHeads.title')}</h1>
      <p>{t('treeHeads.intro')}</p>
      <section aria-labelledby="consistency-title" className="verify">
        <h2 id="consistency-title">{t('treeHeads.consistency')}</h2>
        <label>
          {t('verify.pinnedKey')}
          <textarea name="pinned-key" rows={4} value={keyText} onChange={(e) => setKeyText(e.target.value)} />
        </label>
        <p data-testid="selected-heads">
          {selected.length === 0
            ? t('treeHeads.selectTwo')
            : t('treeHeads.selected', { sizes: selected.map((h) => formatNumber(h.treeSize, locale)).join(' · ') })}
        </p>
        <div className="actions">
          <button type="button" onClick={() => void check()} disabled={selected.length !== 2 || running || !keyText.trim()}>
            {running ? t('verify.running') : t('treeHeads.check')}
          </button>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div role="status" aria-live="polite" data-testid="consistency-result">
          {result?.ok && (
            <p className="verified">✔ {t('treeHeads.verified', { from: formatNumber(result.fromSize, locale), to: formatNumber(result.toSize, locale) })}</p>
          )}
          {result && !result.ok && (
            <p className="failed" data-check={result.check}>
              ✘ {t('verify.failed', { check: t(`treeHeads.check.${result.check}`) })} — {result.detail}
            </p>
          )}
        </div>
      </section>
      <QueryView query={query}>
        {(data) => (
          <>
            <table data-testid="tree-heads-table">
              <caption>{t('treeHeads.timeline')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('treeHeads.select')}</th>
                  <th scope="col">{t('treeHeads.signedAt')}</th>
                  <th scope="col">{t('treeHeads.treeSize')}</th>
                  <th scope="col">{t('treeHeads.rootHash')}</th>
                  <th scope="col">{t('treeHeads.keyId')}</th>
                </tr>
              </thead>
              <tbody>
                {data.treeHeads.edges.map(({ node }) => (
                  <tr key={headKey(node)} data-testid={`tree-head-${node.treeSize}`}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={t('treeHeads.selectHead', { size: node.treeSize, time: formatDateTime(node.timestamp, locale) })}
                        checked={selected.some((h) => headKey(h) === headKey(node))}
                        onChange={(e) => toggle(node, e.target.checked)}
                      />
                    </td>
                    <td>{formatDateTime(node.timestamp, locale)}</td>
                    <td>{formatNumber(node.treeSize, locale)}</td>
                    <td>
                      <code>{node.rootHash.slice(0, 16)}…</code>
                    </td>
                    <td>
                      <code>{node.keyId.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="pager" aria-label={t('treeHeads.timeline')}>
              {after && <Link to="/tree-heads">{t('common.first')}</Link>}
              {data.treeHeads.pageInfo.hasNextPage && (
                <Link to={`/tree-heads?after=${encodeURIComponent(data.treeHeads.pageInfo.endCursor ?? '')}`}>{t('common.next')}</Link>
              )}
            </nav>
          </>
        )}
      </QueryView>
    </section>
  );
}
