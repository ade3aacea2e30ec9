// Member institution admin: the institution's own data classification floor (the lowest classification
// any of its requests may carry; never above its ceiling) and its PII detector modes — read and edit,
// as the API lets tenant admins do for their own institution.
import { useState } from 'react';
import { request } from '../../api/client';
import { useQuery } from '../../api/use-query';
import { QueryView } from '../../components/status';
import { institutionName } from '../../format/format';
import type { DataClassification, DataSettingsQuery } from '../../gql/graphql';
import { useI18n } from '../../i18n/i18n';
import { DataSettingsDocument, SetClassificationFloorDocument, SetPiiSettingsDocument } from './documents';
import { modesOf, PII_DETECTORS, PII_MODES, withModes, type PiiDetector, type PiiMode } from './pii-modes';

const CLASSIFICATIONS: DataClassification[] = ['public', 'internal', 'confidential', 'personal_credit'];

export function DataSettingsPage() {
  const { t } = useI18n();
  const query = useQuery(() => request(DataSettingsDocument), 'data-settings');
  const [message, setMessage] = useState<Message>(null);
  return (
    <section aria-labelledby="data-settings-title">
      <h1 id="data-settings-title">{t('dataSettings.title')}</h1>
      <QueryView query={query}>{(data) => <DataSettingsForm data={data} onSaved={query.reload} setMessage={setMessage} />}</QueryView>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

type Message = { ok: boolean; text: string } | null;

function DataSettingsForm({ data, onSaved, setMessage }: { data: DataSettingsQuery; onSaved(): void; setMessage(message: Message): void }) {
  const { t } = useI18n();
  const settings = JSON.parse(data.institutionPiiSettings.settingsJson) as Record<string, Record<string, unknown>>;
  const [modes, setModes] = useState(() => modesOf(settings));
  const [floor, setFloor] = useState<DataClassification | ''>(data.institutionClassificationFloor.floor ?? '');
  const ceiling = data.me.institution?.dataClassificationCeiling;
  const save = async (what: 'pii' | 'floor') => {
    setMessage(null);
    try {
      if (what === 'pii') await request(SetPiiSettingsDocument, { settingsJson: JSON.stringify(withModes(settings, modes)) });
      else await request(SetClassificationFloorDocument, { floor: floor || null });
      setMessage({ ok: true, text: t('dataSettings.saved') });
      onSaved();
    } catch (failure) {
      setMessage({ ok: false, text: (failure as Error).message });
    }
  };
  return (
    <>
      <p>
        {institutionName(data.me.institution)} · {t('dataSettings.ceiling', { ceiling: ceiling ? t(`classification.${ceiling}`) : '—' })}
      </p>
      <section aria-labelledby="floor-title" className="card">
        <h2 id="floor-title">{t('dataSettings.floorTitle')}</h2>
        <p>{t('dataSettings.floorIntro')}</p>
        <div className="filters">
          <label>
            {t('dataSettings.floor')}
            <select name="floor" value={floor} onChange={(e) => setFloor(e.target.value as DataClassification | '')}>
              <option value="">{t('dataSettings.noFloor')}</option>
              {CLASSIFICATIONS.map((c) => (
                <option key={c} value={c}>
                  {t(`classification.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void save('floor')}>
            {t('dataSettings.saveFloor')}
          </button>
        </div>
      </section>
      <section aria-labelledby="pii-title" className="card">
        <h2 id="pii-title">{t('dataSettings.piiTitle')}</h2>
        <p>{t('dataSettings.piiIntro', { revision: data.institutionPiiSettings.revision })}</p>
        <table data-testid="pii-settings">
          <thead>
            <tr>
              <th scope="col">{t('dataSettings.detector')}</th>
              <th scope="col">{t('dataSettings.mode')}</th>
            </tr>
          </thead>
          <tbody>
            {PII_DETECTORS.map((detector: PiiDetector) => (
              <tr key={detector}>
                <th scope="row" id={`pii-${detector}`}>
                  {t(`pii.${detector}`)}
                </th>
                <td>
                  <select
                    aria-labelledby={`pii-${detector}`}
                    name={`pii-${detector}`}
                    value={modes[detector] ?? ''}
                    onChange={(e) => setModes({ ...modes, [detector]: (e.target.value || undefined) as PiiMode | undefined })}
                  >
                    <option value="">{t('dataSettings.policyDefault')}</option>
                    {PII_MODES.map((mode) => (
                      <option key={mode} value={mode}>
                        {t(`pii.mode.${mode}`)}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="actions">
          <button type="button" onClick={() => void save('pii')}>
            {t('dataSettings.savePii')}
          </button>
        </div>
      </section>
    </>
  );
}
