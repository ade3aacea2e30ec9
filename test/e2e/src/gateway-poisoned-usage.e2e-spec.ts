import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { userToken, withPg } from '@ai-commons/testing';
import { AuditBatchWriter, type AuditEventInput } from '@ai-commons/audit';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { estimateChatRequest } from '@ai-commons/token-count';
import { e2eDatabase, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';

/**
 * Issue 11 §2: one upstream reporting absurd usage (prompt_tokens 3 000 000 000 overflows the int4
 * columns) must not stop anyone else: the figures are refused at the edge, and a record the
 * database refuses anyway is moved to write_dead_letters instead of blocking the queue.
 */
describe('an upstream that reports absurd usage', () => {
  let controlPlane: ControlPlane;
  let poisoned: SimulatorProcess;
  let healthy: SimulatorProcess;
  let gateway: Gateway;
  let hanbitKey: string;
  let nuriKey: string;
  const superuser = () => e2eDatabase().superuserUrl;
  const query = (sql: string, params: unknown[] = []) => withPg(superuser(), async (pg) => (await pg.query(sql, params)).rows);

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    poisoned = await startSimulatorProcess(['--models', 'sim-poisoned', '--output-tokens', '6']);
    await poisoned.configure({ reportedUsage: { promptTokens: 3_000_000_000, completionTokens: 3_000_000_000 } });
    healthy = await startSimulatorProcess(['--models', 'sim-healthy', '--output-tokens', '6']);
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'poisoned-llm', upstreamUrl: poisoned.url, upstreamModel: 'sim-poisoned' });
    await createEndpointFixture({ tenantSlug: 'nuri-insurance', name: 'healthy-llm', upstreamUrl: healthy.url, upstreamModel: 'sim-healthy' });
    hanbitKey = (await createApiKeyFixture('hanbit-bank')).secret;
    nuriKey = (await createApiKeyFixture('nuri-insurance')).secret;
    gateway = await startGateway();
  });
  afterAll(async () => {
    await gateway.close();
    await poisoned.stop();
    await healthy.stop();
    await controlPlane.close();
  });

  const client = (key: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
  const messages = [{ role: 'user' as const, content: '이번 분기 예금 잔액을 요약해 주세요' }];
  const promptEstimate = estimateChatRequest({ messages }, { imageTokens: 765 }, 0).promptTokens;

  it("charges the gateway's own count, not the absurd figures, and keeps serving and auditing everyone", async () => {
    const answer = await client(hanbitKey).chat.completions.create({ model: 'poisoned-llm', messages }, { headers: { 'x-request-id': 'poison-json' } });
    expect(answer.usage?.prompt_tokens).toBe(3_000_000_000); // the caller sees the upstream's answer untouched
    const stream = await client(hanbitKey).chat.completions.create(
      { model: 'poisoned-llm', messages, stream: true },
      { headers: { 'x-request-id': 'poison-stream' } },
    );
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
    expect(streamed.length).toBeGreaterThan(0);

    // Other institutions, after the poisoned records were queued: served, and their admissions durable.
    for (let i = 0; i < 5; i++) {
      const other = await client(nuriKey).chat.completions.create({ model: 'healthy-llm', messages }, { headers: { 'x-request-id': `poison-bystander-${i}` } });
      expect(other.choices[0]?.message.content).toEqual(expect.any(String));
    }
    await gateway.audit.writer.flush();
    await gateway.usage.flush();

    const usage = await query(
      `select request_id, outcome, prompt_tokens, completion_tokens from usage_records where request_id like 'poison-%' order by request_id`,
    );
    expect(usage).toHaveLength(7);
    for (const row of usage.filter((r) => r.request_id.startsWith('poison-json') || r.request_id.startsWith('poison-stream'))) {
      expect(row).toMatchObject({ outcome: 'success', prompt_tokens: promptEstimate });
      expect(row.completion_tokens).toBeGreaterThan(0);
      expect(row.completion_tokens).toBeLessThanOrEqual(1024); // the endpoint's default max_tokens
    }
    const audited = await query(
      `select request_id, action, prompt_tokens, completion_tokens from audit_events where request_id like 'poison-%' order by request_id, action`,
    );
    expect(audited.filter((row) => row.request_id.startsWith('poison-bystander')).map((row) => row.action)).toEqual(
      Array.from({ length: 5 }, () => ['gateway.request.admitted', 'gateway.request.completed']).flat(),
    );
    const poisonedCompletion = audited.find((row) => row.request_id === 'poison-json' && row.action === 'gateway.request.completed');
    expect(poisonedCompletion).toMatchObject({ prompt_tokens: promptEstimate });
    expect(gateway.audit.writer.pending + gateway.usage.pending).toBe(0);
    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(200);
  });

  it('moves a usage record the database refuses, whole, to write_dead_letters and writes the others', async () => {
    const record = (requestId: string, promptTokens: number) => ({
      tenantId: gatewayTenant(),
      requestId,
      endpointId: null,
      endpointName: 'direct',
      model: 'm',
      apiKeyId: null,
      principalSubject: 'tests',
      promptTokens,
      completionTokens: 1,
      latencyMs: 5,
      httpStatus: 200,
      outcome: 'success' as const,
      streamed: false,
      occurredAt: new Date(),
    });
    gateway.usage.record(record('dead-usage-before', 10));
    gateway.usage.record(record('dead-usage-poisoned', 3_000_000_000));
    gateway.usage.record(record('dead-usage-after', 10));
    await gateway.usage.flush();
    expect((await query(`select request_id from usage_records where request_id like 'dead-usage-%' order by 1`)).map((r) => r.request_id)).toEqual([
      'dead-usage-after',
      'dead-usage-before',
    ]);
    const [letter] = await query(`select writer, tenant_id, record, error_code, error_detail from write_dead_letters where writer = 'usage'`);
    expect(letter).toMatchObject({ writer: 'usage', tenant_id: gatewayTenant(), error_code: '22003' });
    expect(JSON.parse(letter.record)).toMatchObject({ requestId: 'dead-usage-poisoned', promptTokens: 3_000_000_000 });
    expect(gateway.usage.deadLettered).toBe(1);
    expect(gateway.usage.pending).toBe(0);
    const ready = (await (
      await fetch(`${gateway.url}/health/ready`, { headers: { authorization: `Bearer ${await userToken('platform-admin')}` } })
    ).json()) as { checks: { deadLetters: unknown } };
    expect(ready.checks.deadLetters).toMatchObject({ status: 'alert', usage: 1 });
  });

  it('moves an audit event the database refuses to write_dead_letters; the events behind it are written', async () => {
    const writer = AuditBatchWriter.forConnection(e2eDatabase().appUrl, { flushMs: 60_000 });
    const event = (action: string, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
      id: randomUUID(),
      tenantId: gatewayTenant(),
      occurredAt: new Date(),
      requestId: `dead-audit-${action}`,
      actor: { subject: 'tests' },
      action,
      resourceType: 'test',
      resourceId: null,
      outcome: 'success',
      details: {},
      ...extra,
    });
    try {
      const poisonedEvent = event('test.poisoned', { latencyMs: 3_000_000_000, details: { note: 'nul\u0000inside' } });
      const before = writer.appendDurable(event('test.before'));
      const refused = writer.appendDurable(poisonedEvent).then(
        () => 'written',
        () => 'refused',
      );
      const after = writer.appendDurable(event('test.after'));
      await Promise.all([before, after]);
      expect(await refused).toBe('refused');
      expect(writer.pending).toBe(0);
      expect(writer.deadLettered).toBe(1);
      expect((await query(`select action from audit_events where request_id like 'dead-audit-%' order by action`)).map((row) => row.action)).toEqual([
        'test.after',
        'test.before',
      ]);
      const [letter] = await query(`select tenant_id, record, error_code from write_dead_letters where writer = 'audit'`);
      expect(letter.tenant_id).toBe(gatewayTenant());
      expect(JSON.parse(letter.record)).toMatchObject({ id: poisonedEvent.id, latencyMs: 3_000_000_000, details: { note: 'nul\u0000inside' } });
    } finally {
      await writer.stop();
    }
  });

  let tenant: string | undefined;
  function gatewayTenant(): string {
    if (!tenant) throw new Error('tenant not loaded');
    return tenant;
  }
  beforeAll(async () => {
    tenant = (await query(`select id from institutions where slug = 'hanbit-bank'`))[0].id;
  });
});
