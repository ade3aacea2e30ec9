// A modal confirmation (the native <dialog>: focus moves into it, Escape cancels, the page behind is
// inert) for actions that change another institution's standing or the platform's policy. A reason,
// when asked for, is required and goes to the audit log with the action.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';

export interface ConfirmRequest {
  readonly title: string;
  readonly message: string;
  readonly confirmLabel: string;
  readonly askReason: boolean;
  run(reason: string): Promise<void>;
}

export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose(): void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!dialog.current) return;
    if (request && !dialog.current.open) {
      setReason('');
      setError(null);
      dialog.current.showModal();
    } else if (!request && dialog.current.open) dialog.current.close();
  }, [request]);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (!request) return;
    setBusy(true);
    setError(null);
    try {
      await request.run(reason.trim());
      onClose();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} aria-labelledby={titleId} className="confirm" onClose={onClose} data-testid="confirm-dialog">
      {request && (
        <form method="dialog" onSubmit={(event) => void confirm(event)}>
          <h2 id={titleId}>{request.title}</h2>
          <p>{request.message}</p>
          {request.askReason && (
            <label>
              {t('confirm.reason')}
              <textarea name="reason" required maxLength={500} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="actions">
            <button type="submit" disabled={busy || (request.askReason && !reason.trim())}>
              {request.confirmLabel}
            </button>
            <button type="button" className="secondary" onClick={onClose}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
