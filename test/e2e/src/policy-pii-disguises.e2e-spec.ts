import fc from 'fast-check';
import { withPg } from '@ai-commons/testing';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { e2eDatabase, eventually, startControlPlane, startGateway } from './support/environment';
import { apiKeyHashHex, createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
// The generators live with the policy lib's own property test: one definition of "valid number"
// and "disguise" for both levels (a pure lib may not depend on the testing lib, so they cannot move there).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { digitsOf, disguise, disguised, leavesOnlyKeptDigits, personalNumber } from '../../../libs/domain/policy/test/pii-disguises';

const superuser = <T = Record<string, any>>(sql: string, params: unknown[] = []) =>
  withPg(e2eDatabase().superuserUrl, async (pg) => (await pg.query(sql, params)).rows as T[]);

/** Where in the request body the number is written: every field the model receives, not only `content`. */
const PLACEMENTS = [
  'content',
  'content-part',
  'name',
  'tool-arguments',
  'tool-call-id',
  'tool-description',
  'refusal',
  'image-url',
  'user',
  'metadata',
  'prediction',
] as const;
type Placement = (typeof PLACEMENTS)[number];

/** A chat request (digit-free apart from `text`) carrying `text` in the given field; `marker` identifies it upstream. */
function requestBody(marker: string, placement: Placement, text: string): Record<string, unknown> {
  const at = (where: Placement, fallback: string) => (placement === where ? text : fallback);
  const messages: Record<string, unknown>[] = [
    { role: 'system', content: `marker ${marker}` },
    { role: 'user', name: at('name', 'customer'), content: placement === 'content-part' ? [{ type: 'text', text }] : at('content', '상담 요약') },
  ];
  if (placement === 'tool-arguments' || placement === 'tool-call-id') {
    messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_lookup', type: 'function', function: { name: 'lookup', arguments: JSON.stringify({ query: at('tool-arguments', 'none') }) } }],
    });
    messages.push({ role: 'tool', tool_call_id: at('tool-call-id', 'call_lookup'), content: 'found' });
  }
  if (placement === 'refusal') messages.push({ role: 'assistant', content: [{ type: 'refusal', refusal: text }] });
  if (placement === 'image-url') messages.push({ role: 'user', content: [{ type: 'image_url', image_url: { url: `https://img.example/lookup?q=${text}` } }] });
  const body: Record<string, unknown> = { model: 'pii-sim', messages };
  if (placement === 'tool-description')
    body.tools = [{ type: 'function', function: { name: 'lookup', description: text, parameters: { type: 'object', properties: {} } } }];
  if (placement === 'user') body.user = text;
  if (placement === 'metadata') body.metadata = { note: text };
  if (placement === 'prediction') body.prediction = { type: 'content', content: text };
  return body;
}

/** JSON text with every non-ASCII character, and every digit, written as a `\u` escape. */
function escapedJson(body: unknown): string {
  return JSON.stringify(body).replace(/[^\x20-\x7e]|[0-9]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every string value of a body (keys too), joined: what the model could read. */
function allTexts(value: unknown): string {
  if (typeof value === 'string') return `${value}\n`;
  if (Array.isArray(value)) return value.map(allTexts).join('');
  if (value && typeof value === 'object')
    return Object.entries(value)
      .map(([key, item]) => `${key}\n${allTexts(item)}`)
      .join('');
  return '';
}

// Issue 10 §5 end to end: the disguised number, wherever it is in the request and however the JSON
// encodes it, never reaches the model (mask mode) or the request is refused (block mode).
describe('PII disguises through the gateway: what the model simulator actually received', () => {
  let controlPlane: ControlPlane;
  let gateway: Gateway;
  let simulator: SimulatorProcess;
  let maskingKey: string;
  let blockingKey: string;
  let blockingTenant: string;
  let sent = 0;

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    simulator = await startSimulatorProcess(['--models', 'pii-sim', '--output-tokens', '2', '--record-last-request', 'true']);
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'pii-sim', upstreamUrl: simulator.url, upstreamModel: 'pii-sim' });
    await createEndpointFixture({ tenantSlug: 'nuri-insurance', name: 'pii-sim', upstreamUrl: simulator.url, upstreamModel: 'pii-sim' });
    maskingKey = (await createApiKeyFixture('hanbit-bank')).secret;
    blockingKey = (await createApiKeyFixture('nuri-insurance')).secret;
    [{ id: blockingTenant }] = await superuser<{ id: string }>(`select id from institutions where slug = 'nuri-insurance'`);
    const block = { mode: 'block' };
    await superuser(`insert into institution_pii_settings (tenant_id, settings, updated_by) values ($1, $2, 'tests')`, [
      blockingTenant,
      JSON.stringify({ rrn: block, card: block, bankAccount: block, phone: block }),
    ]);
    gateway = await startGateway();
    await eventually(
      () =>
        gateway.routing.table().apiKey(apiKeyHashHex(maskingKey)) !== undefined &&
        gateway.routing.table().apiKey(apiKeyHashHex(blockingKey)) !== undefined &&
        gateway.policy.snapshot().piiSettings.has(blockingTenant),
    );
  });
  afterAll(async () => {
    await superuser('delete from institution_pii_settings where tenant_id = $1', [blockingTenant]);
    await gateway?.close();
    await simulator?.stop();
    await controlPlane?.close();
  });

  async function send(key: string, placement: Placement, text: string, escape: boolean) {
    // Letters only: the marker must add no digits to what the model receives.
    const marker = [...(sent++).toString(26)].map((character) => String.fromCharCode(97 + parseInt(character, 26))).join('');
    const body = requestBody(marker, placement, text);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: escape ? escapedJson(body) : JSON.stringify(body),
    });
    const answer = await response.text();
    const { request } = (await (await fetch(`${simulator.url}/_sim/last-request`)).json()) as { request: { body: any } | null };
    const received = request?.body?.messages?.[0]?.content === `marker ${marker}` ? request.body : undefined;
    return { status: response.status, answer, received };
  }

  it('masks every disguised number in every field, with or without \\u escapes', async () => {
    let forwarded = 0;
    await fc.assert(
      fc.asyncProperty(personalNumber, disguise, fc.constantFrom(...PLACEMENTS), fc.boolean(), async (number, how, placement, escape) => {
        const { status, received } = await send(maskingKey, placement, disguised(number, how), escape);
        // Refused before the upstream (e.g. a field the endpoint does not forward) is safe too.
        if (received === undefined) return expect(status).toBe(400);
        forwarded++;
        expect(status).not.toBe(403);
        expect(leavesOnlyKeptDigits(digitsOf(allTexts(received)), number)).toBe(true);
      }),
      { numRuns: 120 },
    );
    expect(forwarded).toBeGreaterThan(60);
  });

  it('refuses every disguised number in every field for an institution that blocks, forwarding nothing', async () => {
    await fc.assert(
      fc.asyncProperty(personalNumber, disguise, fc.constantFrom(...PLACEMENTS), fc.boolean(), async (number, how, placement, escape) => {
        const { status, answer, received } = await send(blockingKey, placement, disguised(number, how), escape);
        expect(received).toBeUndefined();
        expect(status).toBe(403);
        expect(JSON.parse(answer).error.policy).toMatchObject({ decision: 'deny', ruleId: 'pii.block' });
      }),
      { numRuns: 60 },
    );
  });
});
