import { useI18n } from '../../i18n/i18n';
import { jsonDiff } from './json-diff';

const show = (value: unknown) => JSON.stringify(value);

/** The changes from one version's document to another's, one row per JSON pointer. */
export function VersionDiff({ from, to }: { from: { version: number; documentJson: string }; to: { version: number; documentJson: string } }) {
  const { t } = useI18n();
  const changes = jsonDiff(JSON.parse(from.documentJson), JSON.parse(to.documentJson));
  return (
    <section aria-labelledby="policy-diff-title" className="card" data-testid="policy-diff">
      <h2 id="policy-diff-title">{t('dataPolicies.diffTitle', { from: from.version, to: to.version })}</h2>
      {changes.length === 0 ? (
        <p>{t('dataPolicies.noChanges')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('dataPolicies.path')}</th>
              <th scope="col">{t('dataPolicies.change')}</th>
              <th scope="col">{t('dataPolicies.before')}</th>
              <th scope="col">{t('dataPolicies.after')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={`${change.kind}:${change.path}`} className={`diff-${change.kind}`}>
                <td>
                  <code>{change.path || '/'}</code>
                </td>
                <td>{t(`dataPolicies.change.${change.kind}`)}</td>
                <td>
                  <code>{change.kind === 'added' ? '' : show(change.before)}</code>
                </td>
                <td>
                  <code>{change.kind === 'removed' ? '' : show(change.after)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
