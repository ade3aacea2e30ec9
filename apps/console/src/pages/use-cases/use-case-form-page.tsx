// Tenant admin: declares a use case (a draft) or edits one. A material change of an approved use
// case opens a new version for review; the approved version keeps serving (the API decides).
import { useState, type FormEvent } from 'react';
import { request } from '../../api/client';
import { useQuery } from '../../api/use-query';
import { QueryView } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import { Link, useRouter } from '../../navigation/router';
import type { DataClassification, RiskTier, UseCaseDeclarationInput } from '../../gql/graphql';
import { CreateUseCaseDocument, UpdateUseCaseDocument, UseCaseDocument, UseCaseEndpointsDocument } from './documents';
import { RISK_TIERS } from './use-case-list-filters';

const CLASSIFICATIONS: DataClassification[] = ['public', 'internal', 'confidential', 'personal_credit'];
const TEXT_FIELDS = ['name', 'purpose', 'businessProcess', 'humanOversight', 'owner', 'contact'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const MULTILINE: ReadonlySet<TextField> = new Set(['purpose', 'humanOversight']);

interface Draft extends Record<TextField, string> {
  dataClassificationCeiling: DataClassification;
  riskTier: RiskTier;
  highImpact: boolean;
  endpointIds: string[];
}

const EMPTY: Draft = {
  name: '',
  purpose: '',
  businessProcess: '',
  humanOversight: '',
  owner: '',
  contact: '',
  dataClassificationCeiling: 'internal',
  riskTier: 'low',
  highImpact: false,
  endpointIds: [],
};

export function UseCaseFormPage({ id }: { id?: string }) {
  const { t } = useI18n();
  const existing = useQuery(() => (id ? request(UseCaseDocument, { id }).then((d) => d.useCase) : Promise.resolve(null)), `use-case-form:${id ?? 'new'}`);
  return (
    <section aria-labelledby="use-case-form-title">
      <p>
        <Link to={id ? `/use-cases/${id}` : '/use-cases'}>{t('common.back')}</Link>
      </p>
      <h1 id="use-case-form-title">{id ? t('useCases.edit') : t('useCases.new')}</h1>
      {id ? (
        <QueryView query={existing}>{(useCase) => <UseCaseForm id={id} initial={useCase ? { ...EMPTY, ...pick(useCase) } : EMPTY} />}</QueryView>
      ) : (
        <UseCaseForm initial={EMPTY} />
      )}
    </section>
  );
}

function pick(useCase: Draft & Record<string, unknown>): Draft {
  const { dataClassificationCeiling, riskTier, highImpact, endpointIds } = useCase;
  return { ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, useCase[f]])), dataClassificationCeiling, riskTier, highImpact, endpointIds } as Draft;
}

function UseCaseForm({ id, initial }: { id?: string; initial: Draft }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const endpoints = useQuery(() => request(UseCaseEndpointsDocument), 'use-case-endpoints');
  const [draft, setDraft] = useState<Draft>(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaving(true);
    const input: UseCaseDeclarationInput = { ...draft, ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, draft[f].trim()])) };
    try {
      const savedId = id
        ? (await request(UpdateUseCaseDocument, { id, input })).updateUseCase.id
        : (await request(CreateUseCaseDocument, { input })).createUseCase.id;
      navigate(`/use-cases/${savedId}`);
    } catch (failure) {
      setError((failure as Error).message);
      setSaving(false);
    }
  };
  return (
    <form className="stacked" onSubmit={save} aria-label={id ? t('useCases.edit') : t('useCases.new')}>
      {TEXT_FIELDS.map((field) => (
        <label key={field}>
          {t(`useCases.field.${field}`)}
          {MULTILINE.has(field) ? (
            <textarea name={field} required rows={3} maxLength={2000} value={draft[field]} onChange={(e) => setDraft({ ...draft, [field]: e.target.value })} />
          ) : (
            <input name={field} required maxLength={200} value={draft[field]} onChange={(e) => setDraft({ ...draft, [field]: e.target.value })} />
          )}
        </label>
      ))}
      <label>
        {t('useCases.field.dataClassificationCeiling')}
        <select
          name="dataClassificationCeiling"
          value={draft.dataClassificationCeiling}
          onChange={(e) => setDraft({ ...draft, dataClassificationCeiling: e.target.value as DataClassification })}
        >
          {CLASSIFICATIONS.map((c) => (
            <option key={c} value={c}>
              {t(`classification.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('useCases.riskTier')}
        <select name="riskTier" value={draft.riskTier} onChange={(e) => setDraft({ ...draft, riskTier: e.target.value as RiskTier })}>
          {RISK_TIERS.map((r) => (
            <option key={r} value={r}>
              {t(`useCases.riskTier.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <input type="checkbox" name="highImpact" checked={draft.highImpact} onChange={(e) => setDraft({ ...draft, highImpact: e.target.checked })} />
        {t('useCases.field.highImpact')}
      </label>
      <fieldset>
        <legend>{t('useCases.field.endpointIds')}</legend>
        <QueryView query={endpoints}>
          {(data) => (
            <>
              {data.endpoints.edges
                .filter(({ node }) => node.state !== 'retired')
                .map(({ node }) => (
                  <label key={node.id} className="inline">
                    <input
                      type="checkbox"
                      name="endpointIds"
                      value={node.id}
                      checked={draft.endpointIds.includes(node.id)}
                      onChange={(e) =>
                        setDraft({
                          ...draft,
                          endpointIds: e.target.checked ? [...draft.endpointIds, node.id] : draft.endpointIds.filter((x) => x !== node.id),
                        })
                      }
                    />
                    {node.name}
                  </label>
                ))}
            </>
          )}
        </QueryView>
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={saving}>
        {t('common.save')}
      </button>
    </form>
  );
}
