// Platform admin: a new member institution (status active; its weight follows from its capital).
import { useState, type FormEvent } from 'react';
import { request } from '../../api/client';
import type { Sector } from '../../gql/graphql';
import { useI18n } from '../../i18n/i18n';
import { CreateInstitutionDocument } from './documents';

const SECTORS: Sector[] = ['bank', 'insurance', 'securities', 'card', 'other'];
const EMPTY = { slug: '', nameKo: '', nameEn: '', sector: 'bank' as Sector, investedCapitalKrw: '' };

export function CreateInstitutionForm({ onCreated }: { onCreated(): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(EMPTY);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const { createInstitution } = await request(CreateInstitutionDocument, { input: { ...draft, slug: draft.slug.trim() } });
      setMessage({ ok: true, text: t('consortium.created', { slug: createInstitution.slug }) });
      setDraft(EMPTY);
      onCreated();
    } catch (failure) {
      setMessage({ ok: false, text: (failure as Error).message });
    }
  };
  const text = (name: 'slug' | 'nameKo' | 'nameEn' | 'investedCapitalKrw', label: string, extra: Record<string, string> = {}) => (
    <label>
      {label}
      <input name={name} required value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} {...extra} />
    </label>
  );
  return (
    <details className="card">
      <summary>{t('consortium.create')}</summary>
      <form className="filters" onSubmit={(event) => void submit(event)} aria-label={t('consortium.create')}>
        {text('slug', t('consortium.slug'), { pattern: '[a-z0-9][a-z0-9-]{1,62}' })}
        {text('nameKo', t('consortium.nameKo'))}
        {text('nameEn', t('consortium.nameEn'))}
        <label>
          {t('institutions.sector')}
          <select name="sector" value={draft.sector} onChange={(e) => setDraft({ ...draft, sector: e.target.value as Sector })}>
            {SECTORS.map((sector) => (
              <option key={sector} value={sector}>
                {t(`sector.${sector}`)}
              </option>
            ))}
          </select>
        </label>
        {text('investedCapitalKrw', t('institutions.capital'), { inputMode: 'numeric', pattern: '[1-9][0-9]*' })}
        <button type="submit">{t('consortium.createSubmit')}</button>
      </form>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>
          {message.text}
        </p>
      )}
    </details>
  );
}
