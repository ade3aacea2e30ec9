import { RequestContext, type Principal } from '@ai-commons/core';
import type { AdmissionRequest } from '@ai-commons/gateway-admission';
import { GatewayAuditHooks, type GatewayAuditRequest } from '../src/gateway/gateway-audit-hooks';
import { AuditKeys } from '../src/keys/audit-keys';
import { AuditBatchWriter } from '../src/writer/audit-batch-writer';
import type { AuditEventInput } from '../src/events/audit-event';

const principal: Principal = {
  subject: 'api-key:k1',
  username: 'api-key:k1',
  roles: ['tenant-member'],
  authMethod: 'api-key',
  clientId: 'k1',
  institutionSlug: 'hanbit-bank',
  institutionId: 'tenant-1',
};

function request(overrides: Partial<GatewayAuditRequest> = {}): GatewayAuditRequest {
  return {
    requestId: 'req-1',
    caller: { tenantId: 'tenant-1', principal, apiKey: { id: 'k1', defaultClassification: 'confidential' } },
    endpoint: { id: 'endpoint-1', name: 'llama', upstreamModel: 'sim-llama' },
    operation: 'chat',
    estimatedTokens: 42,
    body: { model: 'llama', messages: [{ role: 'user', content: '고객 주민번호 900101-1234567' }] },
    startedAt: 0,
    ...overrides,
  };
}

/** The same request as the gateway's admission facts (what `decide` receives). */
function facts(requestId = 'req-1'): AdmissionRequest {
  return {
    ...request({ requestId }),
    operation: 'chat',
    caller: { tenantId: 'tenant-1', principal, apiKey: { id: 'k1', defaultClassification: 'confidential', endpointIds: null } },
    endpoint: {
      tenantId: 'tenant-1',
      id: 'endpoint-1',
      name: 'llama',
      upstreamModel: 'sim-llama',
      hosting: 'shared-infrastructure',
      region: 'KR',
      networkZone: 'internal',
      authorityConfirmationExpiresAt: null,
    },
  };
}

function setup(store: (events: AuditEventInput[]) => Promise<void> = async () => undefined) {
  const written: AuditEventInput[] = [];
  const writer = new AuditBatchWriter(
    async (events) => {
      await store(events);
      written.push(...events);
    },
    { flushMs: 60_000 },
  );
  const keys = AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'demo' });
  const hooks = new GatewayAuditHooks(writer, keys, () => new Error('audit unavailable'));
  const inRequest = <T>(fn: () => T) => RequestContext.run({ requestId: 'req-1', sourceAddress: '10.0.0.7', principal }, fn);
  return { written, writer, keys, hooks, inRequest };
}

describe('GatewayAuditHooks', () => {
  it('writes the admission record durably, with the prompt only as an HMAC under the institution key', async () => {
    const { written, keys, hooks, inRequest } = setup();
    const admission = await inRequest(() => hooks.admit(request()));
    await admission.readyToRespond;
    expect(written).toHaveLength(1);
    const [record] = written;
    expect(record).toMatchObject({
      action: 'gateway.request.admitted',
      outcome: 'success',
      tenantId: 'tenant-1',
      requestId: 'req-1',
      resourceType: 'endpoint',
      resourceId: 'endpoint-1',
      endpoint: 'llama',
      model: 'sim-llama',
      dataClassification: 'confidential',
      policyDecision: 'allow',
      actor: { subject: 'api-key:k1', authMethod: 'api-key', institutionId: 'tenant-1', sourceAddress: '10.0.0.7' },
    });
    expect(record!.promptHmac).toBe(keys.contentHmac('tenant-1', JSON.stringify(request().body['messages'])));
    expect(JSON.stringify(written)).not.toContain('900101');
  });

  it('queues the completion record without waiting, and refusals only for authenticated requests', async () => {
    const { written, writer, hooks, inRequest } = setup();
    await inRequest(async () => {
      const admission = await hooks.admit(request());
      await admission.readyToRespond;
      admission.complete({ httpStatus: 502, outcome: 'upstream_error', usage: { promptTokens: 0, completionTokens: 0 }, latencyMs: 12.6 });
      // The same request failing later is described by its completion record: the gateway reports
      // no refusal for it (AdmittedCallFailure; see gateway-server's proxy-call tests).
    });
    // Anonymous refusals leave no row of their own (authentication failures are aggregated elsewhere).
    RequestContext.run({ requestId: 'req-2', sourceAddress: '10.0.0.8' }, () =>
      hooks.recordRefusal({ status: 401, code: 'invalid_api_key', method: 'POST', path: '/v1/chat/completions' }),
    );
    RequestContext.run({ requestId: 'req-2b', sourceAddress: '10.0.0.8' }, () =>
      hooks.recordRefusal({ status: 404, code: 'unknown_url', method: 'GET', path: '/wp-admin' }),
    );
    RequestContext.run({ requestId: 'req-3', principal }, () => hooks.recordRefusal({ status: 429, code: 'quota_exceeded', path: '/v1/chat/completions' }));
    expect(written).toHaveLength(1);
    await writer.flush();
    expect(written.map((e) => [e.requestId, e.action, e.outcome, e.httpStatus ?? null])).toEqual([
      ['req-1', 'gateway.request.admitted', 'success', null],
      ['req-1', 'gateway.request.completed', 'failure', 502],
      ['req-3', 'gateway.request.rejected', 'denied', 429],
    ]);
    expect(written[1]).toMatchObject({ latencyMs: 13, details: { result: 'upstream_error' } });
    expect(written[2]).toMatchObject({ tenantId: 'tenant-1', policyDecision: 'deny:quota_exceeded' });
  });

  it('keeps the response only as an HMAC of its bytes in order, however they were chunked; none when nothing was sent', async () => {
    const { written, writer, keys, hooks, inRequest } = setup();
    const body = 'data: {"choices":[{"delta":{"content":"대출 한도는 "}}]}\n\ndata: {"choices":[{"delta":{"content":"3억 원입니다"}}]}\n\ndata: [DONE]\n\n';
    await inRequest(async () => {
      const streamed = await hooks.admit(request({ requestId: 'req-stream' }));
      const bytes = Buffer.from(body, 'utf8');
      streamed.observeResponse(bytes.subarray(0, 7)); // a cut inside a multi-byte character is fine: bytes are hashed
      streamed.observeResponse(bytes.subarray(7, 40));
      streamed.observeResponse(bytes.subarray(40));
      streamed.complete({ httpStatus: 200, outcome: 'success', usage: { promptTokens: 9, completionTokens: 4 }, latencyMs: 3 });
      const failed = await hooks.admit(request({ requestId: 'req-failed' }));
      failed.complete({ httpStatus: 504, outcome: 'upstream_error', usage: { promptTokens: 0, completionTokens: 0 }, latencyMs: 3 });
    });
    await writer.flush();
    const completed = (id: string) => written.find((e) => e.requestId === id && e.action === 'gateway.request.completed')!;
    expect(completed('req-stream').responseHmac).toBe(keys.contentHmac('tenant-1', body));
    expect(completed('req-stream').responseHmac).not.toBe(keys.contentHmac('tenant-2', body));
    expect(completed('req-failed').responseHmac).toBeNull();
    expect(JSON.stringify(written)).not.toContain('3억');
    expect(written.filter((e) => e.action === 'gateway.request.admitted').every((e) => e.responseHmac === undefined)).toBe(true);
  });

  it('withholds the answer when the admission record cannot be written', async () => {
    const { hooks, inRequest } = setup(async () => {
      throw new Error('database down');
    });
    const admission = await inRequest(() => hooks.admit(request()));
    await expect(admission.readyToRespond).rejects.toThrow('audit unavailable');
  });

  it('decide: promptHmac covers the prompt as the caller sent it; a masked request also records the HMAC of what the model received', async () => {
    const { written, keys, hooks, inRequest } = setup();
    const sent = facts();
    const maskedBody = { model: 'llama', messages: [{ role: 'user', content: '고객 주민번호 900101-1******' }] };
    const labels = { dataClassification: 'confidential', policyDecision: 'mask:pii.mask@v1 rrn×1' };
    const decision = await inRequest(() => hooks.decide(sent, { labels, maskedBody }));
    expect(decision.decision).toBe('allow');
    await (decision as { admission: { readyToRespond: Promise<void> } }).admission.readyToRespond;
    const [record] = written;
    expect(record).toMatchObject({ policyDecision: labels.policyDecision, dataClassification: 'confidential' });
    expect(record!.promptHmac).toBe(keys.contentHmac('tenant-1', JSON.stringify(sent.body['messages'])));
    expect(record!.details).toMatchObject({ forwardedPromptHmac: keys.contentHmac('tenant-1', JSON.stringify(maskedBody.messages)) });

    const plain = await inRequest(() => hooks.decide(facts('req-plain'), {}));
    await (plain as { admission: { readyToRespond: Promise<void> } }).admission.readyToRespond;
    expect(written[1]!.details).not.toHaveProperty('forwardedPromptHmac');
  });

  it('records a refusal with a decision record durably, naming the endpoint and the rule, before it resolves', async () => {
    const { written, hooks } = setup();
    const refused = request({ requestId: 'req-denied' });
    await RequestContext.run({ requestId: 'req-denied', sourceAddress: '10.0.0.9', principal }, () =>
      hooks.recordRefusal({
        status: 403,
        code: 'data_policy_denied',
        method: 'POST',
        path: '/v1/chat/completions',
        atAdmission: {
          request: refused,
          record: { dataClassification: 'personal-credit', policyDecision: 'deny:r1@v2', details: { code: 'data_policy_denied', ruleId: 'r1' } },
        },
      }),
    );
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      action: 'gateway.request.rejected',
      outcome: 'denied',
      requestId: 'req-denied',
      resourceType: 'endpoint',
      resourceId: 'endpoint-1',
      endpoint: 'llama',
      httpStatus: 403,
      dataClassification: 'personal-credit',
      policyDecision: 'deny:r1@v2',
      details: { operation: 'chat', code: 'data_policy_denied', ruleId: 'r1' },
      actor: { sourceAddress: '10.0.0.9' },
    });
  });
});
