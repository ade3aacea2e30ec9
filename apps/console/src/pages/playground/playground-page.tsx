// Analyst playground: calls one of the institution's models through the gateway, from this browser,
// with a short-lived key of the caller's own (minted by the control plane, kept in memory only), then
// shows what the audit log recorded: the policy decision (which personal data was masked) and the
// tokens charged.
import { useState, type FormEvent } from 'react';
import { request } from '../../api/client';
import { useQuery } from '../../api/use-query';
import { QueryView } from '../../components/status';
import { formatDateTime, formatNumber } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { CreatePlaygroundKeyDocument, PlaygroundCallDocument, PlaygroundModelsDocument } from './documents';
import { callGateway, callGatewayAsKeyArrives, loadGatewayUrl, MAX_PROMPT_CHARACTERS, type GatewayAnswer } from './gateway-call';
import { parsePolicyDecision } from './policy-decision';
import type { PlaygroundCallQuery } from '../../gql/graphql';

type CallRecord = NonNullable<PlaygroundCallQuery['playgroundCall']>;

const DETECTORS = ['rrn', 'card', 'bankAccount', 'phone'] as const;
const isKnownDetector = (detector: string): detector is (typeof DETECTORS)[number] => (DETECTORS as readonly string[]).includes(detector);

interface PlaygroundKey {
  secret: string;
  keyPrefix: string;
  expiresAt: number;
  useCaseId: string;
}

/**
 * The completion record follows the answer by a moment (the audit writer's batch): ask again, a
 * little less often each time, for up to about 30 s, showing what is there meanwhile.
 */
async function awaitRecord(requestId: string, show: (record: CallRecord | null) => void): Promise<void> {
  for (let attempt = 0, delayMs = 250; attempt < 30; attempt++, delayMs = Math.min(delayMs * 1.5, 2_000)) {
    const record = (await request(PlaygroundCallDocument, { requestId })).playgroundCall ?? null;
    show(record);
    if (record?.completed) return;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

export function PlaygroundPage() {
  const { t, locale } = useI18n();
  const setup = useQuery(async () => ({ gatewayUrl: await loadGatewayUrl(), ...(await request(PlaygroundModelsDocument)) }), 'playground');
  const [model, setModel] = useState('');
  const [useCaseId, setUseCaseId] = useState('');
  const [prompt, setPrompt] = useState(() => t('playground.samplePrompt'));
  const [key, setKey] = useState<PlaygroundKey | null>(null);
  const [answer, setAnswer] = useState<GatewayAnswer | null>(null);
  const [record, setRecord] = useState<CallRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const currentKey = async (): Promise<{ key: PlaygroundKey; minted: boolean }> => {
    // A key lives 15 minutes; a new one is minted a minute before (which revokes the old one).
    if (key && key.useCaseId === useCaseId && key.expiresAt - Date.now() > 60_000) return { key, minted: false };
    const minted = (await request(CreatePlaygroundKeyDocument, { useCaseId: useCaseId || null })).createPlaygroundKey;
    const next = { secret: minted.secret, keyPrefix: minted.apiKey.keyPrefix, expiresAt: new Date(minted.apiKey.expiresAt ?? 0).getTime(), useCaseId };
    setKey(next);
    return { key: next, minted: true };
  };
  const send = async (event: FormEvent, gatewayUrl: string, defaultModel: string) => {
    event.preventDefault();
    setRunning(true);
    setError(null);
    setAnswer(null);
    setRecord(null);
    try {
      const { key: current, minted } = await currentKey();
      const result = await callGatewayAsKeyArrives(() => callGateway(gatewayUrl, current.secret, model || defaultModel, prompt), minted);
      setAnswer(result);
      if (result.requestId) await awaitRecord(result.requestId, setRecord);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setRunning(false);
    }
  };
  const decision = parsePolicyDecision(record?.policyDecision);
  return (
    <section aria-labelledby="playground-title">
      <h1 id="playground-title">{t('playground.title')}</h1>
      <p>{t('playground.intro')}</p>
      <QueryView query={setup}>
        {({ gatewayUrl, endpoints, useCases }) =>
          !gatewayUrl ? (
            <p role="status">{t('playground.notConfigured')}</p>
          ) : endpoints.edges.length === 0 ? (
            <p role="status">{t('playground.noModels')}</p>
          ) : (
            <form className="stacked" onSubmit={(e) => void send(e, gatewayUrl, endpoints.edges[0]!.node.name)} aria-label={t('playground.title')}>
              <label>
                {t('playground.model')}
                <select name="model" value={model || endpoints.edges[0]!.node.name} onChange={(e) => setModel(e.target.value)}>
                  {endpoints.edges.map(({ node }) => (
                    <option key={node.id} value={node.name}>
                      {node.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('apiKeys.useCase')}
                <select name="useCaseId" value={useCaseId} onChange={(e) => setUseCaseId(e.target.value)}>
                  <option value="">{t('apiKeys.useCaseNone')}</option>
                  {useCases.edges
                    .filter(({ node }) => node.state === 'approved')
                    .map(({ node }) => (
                      <option key={node.id} value={node.id}>
                        {node.name}
                      </option>
                    ))}
                </select>
              </label>
              <label>
                {t('playground.prompt')}
                <textarea name="prompt" rows={5} required maxLength={MAX_PROMPT_CHARACTERS} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
              </label>
              <button type="submit" disabled={running || !prompt.trim()}>
                {running ? t('playground.sending') : t('playground.send')}
              </button>
              {key && (
                <p className="key-id" data-testid="playground-key">
                  {t('playground.key', { prefix: key.keyPrefix, expires: formatDateTime(new Date(key.expiresAt).toISOString(), locale) })}
                </p>
              )}
            </form>
          )
        }
      </QueryView>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {answer && (
        <section aria-labelledby="playground-answer-title" data-testid="playground-answer">
          <h2 id="playground-answer-title">{t('playground.answer', { status: answer.status })}</h2>
          {answer.text !== null ? <pre className="details">{answer.text}</pre> : <p className="error">{answer.error?.message ?? '—'}</p>}
        </section>
      )}
      {answer && (
        <section aria-labelledby="playground-record-title" data-testid="playground-record">
          <h2 id="playground-record-title">{t('playground.record')}</h2>
          {!record ? (
            <p role="status">{t('playground.noRecord')}</p>
          ) : (
            <dl className="facts">
              <dt>{t('playground.requestId')}</dt>
              <dd>
                <code>{record.requestId}</code>
              </dd>
              <dt>{t('playground.decision')}</dt>
              <dd data-testid="playground-decision">
                {decision
                  ? t('playground.decisionValue', { decision: decision.decision, rule: decision.ruleId ?? '—', version: decision.policyVersion ?? '—' })
                  : '—'}
              </dd>
              <dt>{t('playground.masked')}</dt>
              <dd data-testid="playground-masked">
                {decision && decision.findings.length > 0
                  ? decision.findings
                      .map((f) =>
                        t('playground.finding', {
                          detector: isKnownDetector(f.detector) ? t(`playground.detector.${f.detector}`) : f.detector,
                          count: f.count,
                        }),
                      )
                      .join(', ')
                  : t('common.none')}
              </dd>
              <dt>{t('playground.classification')}</dt>
              <dd>{record.dataClassification ?? '—'}</dd>
              <dt>{t('playground.tokens')}</dt>
              <dd data-testid="playground-tokens">
                {record.completed
                  ? t('playground.tokensValue', {
                      prompt: formatNumber(record.promptTokens, locale),
                      completion: formatNumber(record.completionTokens, locale),
                      total: formatNumber((record.promptTokens ?? 0) + (record.completionTokens ?? 0), locale),
                    })
                  : t('playground.tokensPending')}
              </dd>
            </dl>
          )}
        </section>
      )}
    </section>
  );
}
