// Tenant admin: the institution's gateway API keys. The secret is shown once, with a copy button.
import { useState, type FormEvent } from 'react';
import { request } from '../api/client';
import { ApiKeysDocument, CreateApiKeyDocument, RevokeApiKeyDocument } from '../api/documents';
import { KeyUseCasesDocument } from './use-cases/documents';
import { useQuery } from '../api/use-query';
import { QueryView } from '../components/status';
import { formatDateTime } from '../format/format';
import { useI18n } from '../i18n/i18n';

export function ApiKeysPage() {
  const { t, locale } = useI18n();
  const query = useQuery(() => request(ApiKeysDocument), 'api-keys');
  const [name, setName] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [useCaseId, setUseCaseId] = useState('');
  // A key runs under one of the institution's use cases (required once the institution enforces the register).
  const useCases = useQuery(() => request(KeyUseCasesDocument), 'api-key-use-cases');
  const useCaseNames = new Map((useCases.data?.useCases.edges ?? []).map(({ node }) => [node.id, node.name]));
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const input = {
        name: name.trim(),
        ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
        ...(useCaseId ? { useCaseId } : {}),
      };
      const created = await request(CreateApiKeyDocument, { input });
      setSecret(created.createApiKey.secret);
      setCopied(false);
      setName('');
      query.reload();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  const revoke = async (id: string, keyName: string) => {
    if (!window.confirm(t('apiKeys.revokeConfirm', { name: keyName }))) return;
    try {
      await request(RevokeApiKeyDocument, { id });
      query.reload();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t('apiKeys.title')}</h1>
      <form className="filters" onSubmit={create} aria-label={t('apiKeys.create')}>
        <label>
          {t('apiKeys.name')}
          <input name="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('apiKeys.expiresAt')}
          <input type="datetime-local" name="expiresAt" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
        </label>
        <label>
          {t('apiKeys.useCase')}
          <select name="useCaseId" value={useCaseId} onChange={(e) => setUseCaseId(e.target.value)}>
            <option value="">{t('apiKeys.useCaseNone')}</option>
            {(useCases.data?.useCases.edges ?? [])
              .filter(({ node }) => node.state !== 'withdrawn' && node.state !== 'rejected')
              .map(({ node }) => (
                <option key={node.id} value={node.id}>
                  {`${node.name} (${t(`useCases.state.${node.state}`)})`}
                </option>
              ))}
          </select>
        </label>
        <button type="submit">{t('apiKeys.create')}</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {secret && (
        <div className="secret" role="status">
          <p>{t('apiKeys.secretOnce')}</p>
          <label>
            {t('apiKeys.secret')}
            <input readOnly value={secret} data-testid="api-key-secret" onFocus={(e) => e.target.select()} />
          </label>
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard?.writeText(secret).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? t('common.copied') : t('common.copy')}
          </button>
        </div>
      )}
      <QueryView query={query}>
        {(data) => (
          <table data-testid="api-keys-table">
            <thead>
              <tr>
                <th scope="col">{t('apiKeys.name')}</th>
                <th scope="col">{t('apiKeys.prefix')}</th>
                <th scope="col">{t('apiKeys.status')}</th>
                <th scope="col">{t('apiKeys.useCase')}</th>
                <th scope="col">{t('apiKeys.created')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('apiKeys.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.apiKeys.edges.map(({ node }) => (
                <tr key={node.id} data-testid={`api-key-${node.name}`}>
                  <td>{node.name}</td>
                  <td>
                    <code>{node.keyPrefix}</code>
                  </td>
                  <td>{t(`apiKeys.status.${node.status}`)}</td>
                  <td>{node.useCaseId ? (useCaseNames.get(node.useCaseId) ?? node.useCaseId) : '—'}</td>
                  <td>{formatDateTime(node.createdAt, locale)}</td>
                  <td>
                    {node.status === 'active' && (
                      <button type="button" onClick={() => void revoke(node.id, node.name)} aria-label={`${t('apiKeys.revoke')}: ${node.name}`}>
                        {t('apiKeys.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}
