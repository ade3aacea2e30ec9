// The regulator's decision on a use case: approve (designation reference, conditions, validity),
// request changes, reject, suspend or reinstate — each with a comment, each audited by the API.
import { useState, type FormEvent } from 'react';
import { request } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import type { UseCaseState, UseCaseVersionState } from '../../gql/graphql';
import { ApproveUseCaseDocument, ReinstateUseCaseDocument, RejectUseCaseDocument, RequestUseCaseChangesDocument, SuspendUseCaseDocument } from './documents';

export type Decision = 'approve' | 'request-changes' | 'reject' | 'suspend' | 'reinstate';

/** The decisions open for a use case in this state (the API checks again). */
export function decisionsFor(state: UseCaseState, revisionState: UseCaseVersionState | null | undefined): Decision[] {
  const underReview = state === 'submitted' || revisionState === 'submitted';
  const decisions: Decision[] = underReview ? ['approve', 'request-changes', 'reject'] : [];
  if (state === 'approved') decisions.push('suspend');
  if (state === 'suspended') decisions.push('reinstate');
  return decisions;
}

function send(id: string, decision: Decision, comment: string, approval: { reference: string; conditions: string; validFrom: string; validUntil: string }) {
  switch (decision) {
    case 'approve':
      return request(ApproveUseCaseDocument, {
        id,
        comment: comment || null,
        approval: {
          reference: approval.reference.trim(),
          conditions: approval.conditions.trim() || null,
          validFrom: approval.validFrom ? new Date(approval.validFrom).toISOString() : null,
          validUntil: new Date(approval.validUntil).toISOString(),
        },
      });
    case 'request-changes':
      return request(RequestUseCaseChangesDocument, { id, comment });
    case 'reject':
      return request(RejectUseCaseDocument, { id, comment });
    case 'suspend':
      return request(SuspendUseCaseDocument, { id, comment });
    case 'reinstate':
      return request(ReinstateUseCaseDocument, { id, comment });
  }
}

export function DecisionForm({ id, decisions, onDecided }: { id: string; decisions: Decision[]; onDecided(): void }) {
  const { t } = useI18n();
  const [decision, setDecision] = useState<Decision>(decisions[0]!);
  const [comment, setComment] = useState('');
  const [approval, setApproval] = useState({ reference: '', conditions: '', validFrom: '', validUntil: '' });
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSending(true);
    try {
      await send(id, decision, comment.trim(), approval);
      setComment('');
      onDecided();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setSending(false);
    }
  };
  return (
    <form className="stacked decision" onSubmit={submit} aria-labelledby="decision-title">
      <h2 id="decision-title">{t('useCases.decision')}</h2>
      <fieldset>
        <legend>{t('useCases.decision.kind')}</legend>
        {decisions.map((d) => (
          <label key={d} className="inline">
            <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} />
            {t(`useCases.decision.${d}`)}
          </label>
        ))}
      </fieldset>
      {decision === 'approve' && (
        <>
          <label>
            {t('useCases.reference')}
            <input
              name="reference"
              required
              maxLength={200}
              value={approval.reference}
              onChange={(e) => setApproval({ ...approval, reference: e.target.value })}
            />
          </label>
          <label>
            {t('useCases.conditions')}
            <textarea
              name="conditions"
              rows={3}
              maxLength={2000}
              value={approval.conditions}
              onChange={(e) => setApproval({ ...approval, conditions: e.target.value })}
            />
          </label>
          <label>
            {t('useCases.validFrom')}
            <input type="date" name="validFrom" value={approval.validFrom} onChange={(e) => setApproval({ ...approval, validFrom: e.target.value })} />
          </label>
          <label>
            {t('useCases.validUntil')}
            <input
              type="date"
              name="validUntil"
              required
              value={approval.validUntil}
              onChange={(e) => setApproval({ ...approval, validUntil: e.target.value })}
            />
          </label>
        </>
      )}
      <label>
        {t('useCases.comment')}
        <textarea
          name="comment"
          rows={3}
          maxLength={2000}
          required={decision !== 'approve'}
          minLength={decision !== 'approve' ? 3 : undefined}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={sending}>
        {t('useCases.decide')}
      </button>
    </form>
  );
}
