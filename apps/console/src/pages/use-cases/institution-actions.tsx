// Tenant admin's actions on the institution's own use case: edit, submit for review, withdraw.
import { useState } from 'react';
import { request } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../navigation/router';
import type { UseCaseState, UseCaseVersionState } from '../../gql/graphql';
import { SubmitUseCaseDocument, WithdrawUseCaseDocument } from './documents';

const CLOSED: ReadonlySet<UseCaseState> = new Set(['rejected', 'withdrawn']);
const OPEN_REVISION: ReadonlySet<UseCaseVersionState | null | undefined> = new Set(['draft', 'changes_requested']);

export function InstitutionActions({
  id,
  state,
  revisionState,
  onChanged,
}: {
  id: string;
  state: UseCaseState;
  revisionState: UseCaseVersionState | null | undefined;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (CLOSED.has(state)) return null;
  const submittable = state === 'draft' || state === 'changes_requested' || OPEN_REVISION.has(revisionState);
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      setComment('');
      onChanged();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <section aria-labelledby="institution-actions-title" className="stacked">
      <h2 id="institution-actions-title">{t('useCases.actions')}</h2>
      <p>
        <Link to={`/use-cases/${id}/edit`}>{t('useCases.edit')}</Link>
      </p>
      <label>
        {t('useCases.comment')}
        <textarea name="comment" rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      <div className="actions">
        {submittable && (
          <button type="button" onClick={() => void run(() => request(SubmitUseCaseDocument, { id, comment: comment.trim() || null }))}>
            {t('useCases.submit')}
          </button>
        )}
        <button
          type="button"
          onClick={() => {
            if (window.confirm(t('useCases.withdrawConfirm'))) void run(() => request(WithdrawUseCaseDocument, { id, comment: comment.trim() }));
          }}
        >
          {t('useCases.withdraw')}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
