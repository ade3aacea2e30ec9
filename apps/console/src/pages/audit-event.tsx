// One audit event and its in-browser verification against the pinned public key.
import { useState } from 'react';
import { request } from '../api/client';
import { AuditEventDocument } from '../api/documents';
import { useInstitutionNames } from '../api/institution-names';
import { useQuery } from '../api/use-query';
import { QueryView } from '../components/status';
import { formatDateTime } from '../format/format';
import { useI18n } from '../i18n/i18n';
import { Link } from '../navigation/router';
import { loadPinnedKeyText, parsePinnedKey, savePinnedKeyText, type PinnedKey } from '../verification/pinned-key';
import { verifyEventInclusion, type InclusionProofData, type VerificationResult } from '../verification/verify-event';

export function AuditEventPage({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const { nameOf: names } = useInstitutionNames();
  const query = useQuery(() => request(AuditEventDocument, { id }), id);
  return (
    <section aria-labelledby="event-title">
      <p>
        <Link to="/audit">{t('common.back')}</Link>
      </p>
      <h1 id="event-title">{t('audit.event')}</h1>
      <QueryView query={query}>
        {({ auditEvent: { event, inclusionProof } }) => (
          <>
            <dl className="facts">
              <dt>ID</dt>
              <dd>{event.id}</dd>
              <dt>{t('audit.time')}</dt>
              <dd>{formatDateTime(event.timestamp, locale)}</dd>
              <dt>{t('audit.action')}</dt>
              <dd>{event.action}</dd>
              <dt>{t('audit.actor')}</dt>
              <dd>{event.actor.username ?? event.actor.subject}</dd>
              <dt>{t('audit.institution')}</dt>
              <dd>{names(event.institutionId)}</dd>
              <dt>{t('audit.resource')}</dt>
              <dd>
                {event.resourceType}
                {event.resourceId ? ` / ${event.resourceId}` : ''}
              </dd>
              <dt>{t('audit.outcome')}</dt>
              <dd>{t(`audit.outcome.${event.outcome}`)}</dd>
              <dt>{t('audit.leafIndex')}</dt>
              <dd>{event.leafIndex ?? '—'}</dd>
            </dl>
            <h2>{t('audit.details')}</h2>
            <pre className="details">{JSON.stringify(JSON.parse(event.details), null, 2)}</pre>
            <VerificationPanel eventId={event.id} proof={inclusionProof ?? null} />
          </>
        )}
      </QueryView>
    </section>
  );
}

function VerificationPanel({ eventId, proof }: { eventId: string; proof: InclusionProofData | null }) {
  const { t } = useI18n();
  const [keyText, setKeyText] = useState(loadPinnedKeyText);
  const [pinned, setPinned] = useState<PinnedKey | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [result, setResult] = useState<VerificationResult | null>(null);
  const [running, setRunning] = useState(false);

  const pin = async (text: string): Promise<PinnedKey | null> => {
    try {
      const key = await parsePinnedKey(text);
      savePinnedKeyText(text);
      setPinned(key);
      setKeyError(null);
      return key;
    } catch (error) {
      setPinned(null);
      setKeyError((error as Error).message);
      return null;
    }
  };
  const verify = async () => {
    if (!proof) return;
    setRunning(true);
    setResult(null);
    const key = pinned ?? (await pin(keyText));
    if (key) setResult(await verifyEventInclusion(eventId, proof, key));
    setRunning(false);
  };
  return (
    <section aria-labelledby="verify-title" className="verify">
      <h2 id="verify-title">{t('verify.title')}</h2>
      <p>{t('verify.intro')}</p>
      <label>
        {t('verify.pinnedKey')}
        <textarea
          name="pinned-key"
          rows={4}
          value={keyText}
          onChange={(e) => {
            setKeyText(e.target.value);
            setPinned(null);
          }}
        />
      </label>
      <label>
        {t('verify.keyFile')}
        <input
          type="file"
          name="pinned-key-file"
          accept=".pem,.txt,.pub"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            const text = await file.text();
            setKeyText(text);
            await pin(text);
          }}
        />
      </label>
      <div className="actions">
        <button type="button" onClick={() => void pin(keyText)}>
          {t('verify.pin')}
        </button>
        <button type="button" onClick={() => void verify()} disabled={!proof || running || !keyText.trim()}>
          {running ? t('verify.running') : t('verify.run')}
        </button>
      </div>
      {pinned && <p className="key-id">{t('verify.pinnedKeyId', { keyId: pinned.keyId })}</p>}
      {!keyText.trim() && <p>{t('verify.noKey')}</p>}
      {keyError && (
        <p role="alert" className="error">
          {t('verify.badKey', { reason: keyError })}
        </p>
      )}
      {!proof && <p role="status">{t('audit.noProof')}</p>}
      <div role="status" aria-live="polite" data-testid="verification-result">
        {result?.ok && <p className="verified">✔ {t('verify.verified', { treeSize: result.treeSize })}</p>}
        {result && !result.ok && (
          <p className="failed" data-check={result.check}>
            ✘ {t('verify.failed', { check: t(`verify.check.${result.check}`) })} — {result.detail}
          </p>
        )}
      </div>
    </section>
  );
}
