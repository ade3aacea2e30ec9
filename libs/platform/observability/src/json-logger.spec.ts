import { RequestContext } from '@ai-commons/core';
import { JsonLogger } from './json-logger';

function capture(minLevel: 'debug' | 'info' | 'warn' | 'error' = 'info') {
  const lines: string[] = [];
  const logger = new JsonLogger('test', minLevel, (line) => lines.push(line));
  return { logger, entries: () => lines.map((line) => JSON.parse(line)), lines };
}

describe('JsonLogger', () => {
  it('writes one JSON line with the service, the level and the request id', () => {
    const { logger, entries, lines } = capture();
    RequestContext.run({ requestId: 'req-1' }, () => logger.event('info', 'upstream.call', { endpointId: 'e1' }));
    expect(lines).toHaveLength(1);
    expect(entries()[0]).toMatchObject({ level: 'info', service: 'test', requestId: 'req-1', event: 'upstream.call', endpointId: 'e1' });
    expect(new Date(entries()[0].time).toISOString()).toBe(entries()[0].time);
  });

  it('redacts credentials by path: top-level fields and request/response headers', () => {
    const { logger, entries } = capture();
    logger.event('warn', 'upstream.call', {
      apiKey: 'sk-123',
      authorization: 'Bearer eyJ',
      password: 'x',
      clientSecret: 'y',
      token: 'z',
      ok: 1,
      headers: { authorization: 'Bearer eyJ', 'x-api-key': 'sk-9', 'content-type': 'application/json' },
      req: { headers: { cookie: 'session=1', accept: '*/*' } },
      res: { headers: { 'set-cookie': 'session=2' } },
    });
    const entry = entries()[0];
    expect(entry.apiKey).toBe('[redacted]');
    expect(entry.authorization).toBe('[redacted]');
    expect(entry).toMatchObject({ password: '[redacted]', clientSecret: '[redacted]', token: '[redacted]', ok: 1 });
    expect(entry.headers).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]', 'content-type': 'application/json' });
    expect(entry.req.headers).toEqual({ cookie: '[redacted]', accept: '*/*' });
    expect(entry.res.headers).toEqual({ 'set-cookie': '[redacted]' });
  });

  it('redacts prompt and completion content', () => {
    const { logger, lines } = capture();
    logger.event('error', 'proxy.failed', {
      messages: [{ role: 'user', content: 'my account is 110-123-456789' }],
      prompt: 'my account is 110-123-456789',
      input: 'same',
      body: '{"messages":[]}',
    });
    expect(lines[0]).not.toContain('110-123-456789');
    expect(JSON.parse(lines[0])).toMatchObject({ messages: '[redacted]', prompt: '[redacted]', input: '[redacted]', body: '[redacted]' });
  });

  it('keeps counts and ids that only share a word with a secret (the old key regex wiped them)', () => {
    const { logger, entries } = capture();
    logger.event('info', 'tenant.summary', {
      apiKeys: 3,
      apiKeyId: 'k-1',
      promptTokens: 12,
      completionTokens: 4,
      usage: { totalTokens: 16, tokensPerMinute: 100 },
      secretRotations: 2,
    });
    expect(entries()[0]).toMatchObject({
      apiKeys: 3,
      apiKeyId: 'k-1',
      promptTokens: 12,
      completionTokens: 4,
      usage: { totalTokens: 16, tokensPerMinute: 100 },
      secretRotations: 2,
    });
  });

  it('drops lines below the minimum level; Nest calls keep message, stack and context', () => {
    const { logger, entries } = capture('warn');
    logger.log('hello', 'Ctx');
    logger.event('info', 'ignored');
    logger.error('boom', 'stack-trace', 'Ctx');
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).toMatchObject({ level: 'error', event: 'log', msg: 'boom', stack: 'stack-trace', context: 'Ctx' });
  });

  it('logs an Error with its message and stack', () => {
    const { logger, entries } = capture();
    logger.error(new Error('failed'), 'GraphQL');
    expect(entries()[0]).toMatchObject({ msg: 'failed', context: 'GraphQL' });
    expect(entries()[0].stack).toContain('Error: failed');
  });
});
