// Platform admin: each pool's guarantee vs borrowed vs used per institution, and editing with an
// allocation preview before saving.
import { useState, type FormEvent } from 'react';
import { request } from '../api/client';
import { PreviewQuotaAllocationDocument, QuotaPoolsDocument, UpdateQuotaPoolDocument } from '../api/documents';
import { useInstitutionNames } from '../api/institution-names';
import { useQuery } from '../api/use-query';
import { Chart } from '../components/chart';
import { QueryView } from '../components/status';
import { formatKrw, formatNumber, formatPercent } from '../format/format';
import type { PreviewQuotaAllocationQuery, QuotaPoolsQuery } from '../gql/graphql';
import { useI18n } from '../i18n/i18n';
import { poolChartOption } from './quota-chart';

type Pool = QuotaPoolsQuery['quotaPools'][number];
type Standing = QuotaPoolsQuery['quotaStandings'][number];

export function QuotaPoolsPage({ editable }: { editable: boolean }) {
  const { t } = useI18n();
  const query = useQuery(() => request(QuotaPoolsDocument), 'quota-pools');
  return (
    <section aria-labelledby="pools-title">
      <h1 id="pools-title">{t('quota.title')}</h1>
      <QueryView query={query}>
        {(data) =>
          data.quotaPools.map((pool) => (
            <PoolCard
              key={pool.id}
              pool={pool}
              standings={data.quotaStandings.filter((s) => s.poolId === pool.id)}
              editable={editable}
              onSaved={query.reload}
            />
          ))
        }
      </QueryView>
    </section>
  );
}

function PoolCard({ pool, standings, editable, onSaved }: { pool: Pool; standings: Standing[]; editable: boolean; onSaved(): void }) {
  const { t, locale } = useI18n();
  const { nameOf: names, ready: namesReady } = useInstitutionNames();
  const labels = { guaranteed: t('quota.guaranteed'), borrowed: t('quota.borrowed'), used: t('quota.used') };
  const option = poolChartOption(
    pool.members.map((m) => {
      const standing = standings.find((s) => s.institutionId === m.institutionId);
      return {
        institution: names(m.institutionId),
        guaranteed: m.guaranteed.tokensPerMinute,
        borrowed: standing?.borrowingNow.tokensPerMinute ?? 0,
        used: standing?.usedLastMinute.tokensPerMinute ?? 0,
      };
    }),
    labels,
  );
  const headingId = `pool-${pool.id}`;
  return (
    <article aria-labelledby={headingId} className="card" data-testid={`pool-${pool.name}`}>
      <h2 id={headingId}>{pool.name}</h2>
      <p>{pool.description}</p>
      <p>
        {t('quota.tokensPerMinute')}: <span data-testid="pool-tpm">{formatNumber(pool.capacity.tokensPerMinute, locale)}</span> · {t('quota.headroom')}:{' '}
        {formatPercent(pool.headroom, locale)} · {t('quota.monthlyCost')}: {formatKrw(pool.monthlyCostKrw, locale)}
      </p>
      {namesReady && <Chart option={option} label={t('quota.chart', { pool: pool.name })} testId="pool-chart" />}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('audit.institution')}</th>
            <th scope="col">{t('quota.weight')}</th>
            <th scope="col">{t('quota.guaranteed')}</th>
          </tr>
        </thead>
        <tbody>
          {pool.members.map((m) => (
            <tr key={m.institutionId}>
              <td>{names(m.institutionId)}</td>
              <td className="number">{formatPercent(m.weight, locale)}</td>
              <td className="number" data-testid="member-guaranteed">
                {formatNumber(m.guaranteed.tokensPerMinute, locale)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editable && <PoolEditor pool={pool} onSaved={onSaved} />}
    </article>
  );
}

function PoolEditor({ pool, onSaved }: { pool: Pool; onSaved(): void }) {
  const { t, locale } = useI18n();
  const { nameOf: names } = useInstitutionNames();
  const [capacity, setCapacity] = useState({ ...pool.capacity });
  const [headroom, setHeadroom] = useState(String(pool.headroom));
  const [preview, setPreview] = useState<PreviewQuotaAllocationQuery['previewQuotaAllocation'] | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const change = () => ({
    capacity: {
      tokensPerMinute: Number(capacity.tokensPerMinute),
      requestsPerMinute: Number(capacity.requestsPerMinute),
      concurrentRequests: Number(capacity.concurrentRequests),
    },
    headroom: Number(headroom),
  });
  const runPreview = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    try {
      setPreview((await request(PreviewQuotaAllocationDocument, { poolId: pool.id, change: change() })).previewQuotaAllocation);
    } catch (error) {
      setMessage({ error: true, text: (error as Error).message });
    }
  };
  const save = async () => {
    try {
      await request(UpdateQuotaPoolDocument, { id: pool.id, input: change() });
      setPreview(null);
      setMessage({ error: false, text: t('quota.saved') });
      onSaved();
    } catch (error) {
      setMessage({ error: true, text: (error as Error).message });
    }
  };
  const number = (name: keyof typeof capacity, label: string) => (
    <label>
      {label}
      <input type="number" min={0} name={name} value={capacity[name]} onChange={(e) => setCapacity({ ...capacity, [name]: Number(e.target.value) })} />
    </label>
  );
  const tokens = (m: { dimensions: { dimension: string; guaranteed: number }[] }) => m.dimensions.find((d) => d.dimension === 'tokensPerMinute')?.guaranteed;
  return (
    <form className="editor" onSubmit={runPreview} aria-label={`${t('quota.edit')}: ${pool.name}`}>
      <h3>{t('quota.edit')}</h3>
      {number('tokensPerMinute', t('quota.tokensPerMinute'))}
      {number('requestsPerMinute', t('quota.requestsPerMinute'))}
      {number('concurrentRequests', t('quota.concurrentRequests'))}
      <label>
        {t('quota.headroom')}
        <input type="number" step="0.01" min={0} max={0.99} name="headroom" value={headroom} onChange={(e) => setHeadroom(e.target.value)} />
      </label>
      <button type="submit">{t('quota.preview')}</button>
      {preview && (
        <div data-testid="allocation-preview">
          <h4>{t('quota.previewTitle')}</h4>
          {preview.issues.length > 0 && (
            <p role="alert" className="error">
              {t('quota.issues', { issues: preview.issues.map((i) => i.message).join('; ') })}
            </p>
          )}
          <table>
            <thead>
              <tr>
                <th scope="col">{t('audit.institution')}</th>
                <th scope="col">{t('quota.weight')}</th>
                <th scope="col">{t('quota.guaranteed')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.members.map((m) => (
                <tr key={m.institutionId}>
                  <td>{names(m.institutionId)}</td>
                  <td className="number">{formatPercent(m.weight, locale)}</td>
                  <td className="number">{formatNumber(tokens(m), locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => void save()} disabled={preview.issues.length > 0}>
            {t('common.save')}
          </button>
          <button type="button" onClick={() => setPreview(null)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : 'ok'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
