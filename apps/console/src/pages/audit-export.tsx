// The supervisor's audit evidence bundle (GET /audit/export, same origin, with the access token) and
// the command that verifies it offline against the pinned key.
import { useState } from 'react';
import { accessToken } from '../auth/auth';
import { useI18n } from '../i18n/i18n';

const VERIFY_COMMAND = 'npm run verify:audit -- --bundle <unpacked-bundle-dir> --public-key <pinned.pem>';

export function AuditExportPage() {
  const { t } = useI18n();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [state, setState] = useState<{ running: boolean; done?: { name: string; count: string }; error?: string }>({ running: false });

  const download = async () => {
    setState({ running: true });
    try {
      const query = new URLSearchParams();
      if (from) query.set('from', new Date(`${from}T00:00:00+09:00`).toISOString());
      if (to) query.set('to', new Date(`${to}T23:59:59.999+09:00`).toISOString());
      const response = await fetch(`${window.location.origin}/audit/export?${query}`, { headers: { authorization: `Bearer ${await accessToken()}` } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'ai-commons-audit.tar';
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = name;
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(url), 1_000);
      setState({ running: false, done: { name, count: response.headers.get('x-audit-event-count') ?? '?' } });
    } catch (error) {
      setState({ running: false, error: (error as Error).message });
    }
  };

  return (
    <section aria-labelledby="audit-export-title">
      <h1 id="audit-export-title">{t('auditExport.title')}</h1>
      <p>{t('auditExport.intro')}</p>
      <label>
        {t('auditExport.from')}
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        {t('auditExport.to')}
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="button" onClick={() => void download()} disabled={state.running}>
        {state.running ? t('auditExport.downloading') : t('auditExport.download')}
      </button>
      {state.done && (
        <p role="status" data-testid="audit-export-done">
          {t('auditExport.done', state.done)}
        </p>
      )}
      {state.error && (
        <p role="alert" className="error">
          {t('app.error', { message: state.error })}
        </p>
      )}
      <h2>{t('auditExport.command')}</h2>
      <pre>
        <code data-testid="audit-export-command">{VERIFY_COMMAND}</code>
      </pre>
    </section>
  );
}
