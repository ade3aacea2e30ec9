// A draft of the next version: edited as JSON, previewed against a sample request (the decision the
// gateway would take, which rules matched, which PII the prompt holds), then published after a
// confirmation asking for the note the version carries.
import { useState } from 'react';
import { request } from '../../api/client';
import { ConfirmDialog, type ConfirmRequest } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n';
import { PreviewDataPolicyDocument, PublishDataPolicyDocument } from './documents';

/** Personal credit data to a commercial cloud abroad: what the default policy exists to deny. */
const SAMPLE_REQUEST = {
  classification: 'personal-credit',
  institutionCeiling: 'personal-credit',
  endpoint: { hosting: 'cloud-commercial', region: 'US', networkZone: 'internet' },
};

interface Preview {
  decision: { decision: string; ruleId: string; reason: string; policyVersion: number; findings: { kind?: string; detector?: string; count: number }[] };
  trace: { ruleId: string; effect: string; matches: boolean; deciding?: boolean }[];
}

function nextDraft(current: { documentJson: string; version: number }): string {
  return JSON.stringify({ ...(JSON.parse(current.documentJson) as object), version: current.version + 1 }, null, 2);
}

export function PolicyDraft({ current, onPublished }: { current: { documentJson: string; version: number }; onPublished(version: number): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(() => nextDraft(current));
  const [sample, setSample] = useState(() => JSON.stringify(SAMPLE_REQUEST, null, 2));
  const [prompt, setPrompt] = useState(() => t('dataPolicies.samplePromptDefault'));
  const [preview, setPreview] = useState<{ result: Preview; raw: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const runPreview = async () => {
    setError(null);
    try {
      const { previewDataPolicy } = await request(PreviewDataPolicyDocument, { documentJson: draft, sampleRequestJson: sample, samplePrompt: prompt });
      setPreview({ result: JSON.parse(previewDataPolicy) as Preview, raw: JSON.stringify(JSON.parse(previewDataPolicy), null, 2) });
    } catch (failure) {
      setPreview(null);
      setError((failure as Error).message);
    }
  };
  const askPublish = () =>
    setConfirm({
      title: t('dataPolicies.publishTitle'),
      message: t('dataPolicies.publishMessage'),
      confirmLabel: t('dataPolicies.publish'),
      askReason: true,
      run: async (note) => {
        const { publishDataPolicy } = await request(PublishDataPolicyDocument, { documentJson: draft, note });
        onPublished(publishDataPolicy.version);
      },
    });
  return (
    <section aria-labelledby="policy-draft-title" className="card">
      <h2 id="policy-draft-title">{t('dataPolicies.draftTitle')}</h2>
      <div className="editor">
        <label className="grow">
          {t('dataPolicies.document')}
          <textarea name="document" rows={16} spellCheck={false} value={draft} onChange={(e) => setDraft(e.target.value)} />
        </label>
        <div className="grow">
          <label>
            {t('dataPolicies.sampleRequest')}
            <textarea name="sample" rows={8} spellCheck={false} value={sample} onChange={(e) => setSample(e.target.value)} />
          </label>
          <label>
            {t('dataPolicies.samplePrompt')}
            <input name="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
          </label>
        </div>
      </div>
      <div className="actions">
        <button type="button" onClick={() => void runPreview()}>
          {t('dataPolicies.preview')}
        </button>
        <button type="button" onClick={askPublish}>
          {t('dataPolicies.publish')}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {preview && (
        <div data-testid="policy-preview" role="status">
          <p className={preview.result.decision.decision === 'allow' ? 'ok' : 'failed'} data-decision={preview.result.decision.decision}>
            {t('dataPolicies.decision', {
              decision: preview.result.decision.decision,
              rule: preview.result.decision.ruleId,
              version: preview.result.decision.policyVersion,
            })}
          </p>
          <p>{preview.result.decision.reason}</p>
          <details>
            <summary>{t('dataPolicies.previewDetails')}</summary>
            <pre className="details">{preview.raw}</pre>
          </details>
        </div>
      )}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
