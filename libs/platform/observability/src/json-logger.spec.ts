import { RequestContext } from '@ai-commons/core';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  it('writes one JSON line with the request id and redacts secrets', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('test', 'info', (line) => lines.push(line));
    RequestContext.run({ requestId: 'req-1' }, () =>
      logger.event('info', 'upstream.call', { apiKey: 'sk-123', nested: { password: 'x', ok: 1 } }),
    );
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 'info', service: 'test', requestId: 'req-1', event: 'upstream.call' });
    expect(entry.apiKey).toBe('[redacted]');
    expect(entry.nested).toEqual({ password: '[redacted]', ok: 1 });
  });

  it('drops lines below the minimum level', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('test', 'warn', (line) => lines.push(line));
    logger.log('hello', 'Ctx');
    logger.error('boom', 'stack-trace', 'Ctx');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', msg: 'boom', stack: 'stack-trace', context: 'Ctx' });
  });
});
