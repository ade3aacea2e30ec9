import type { AddressInfo } from 'node:net';
import express from 'express';
import { JsonLogger } from './json-logger';
import { requestContextMiddleware } from './request-context.middleware';

describe('requestContextMiddleware', () => {
  const lines: string[] = [];
  const logger = new JsonLogger('test', 'debug', (line) => lines.push(line));
  const app = express();
  app.use(requestContextMiddleware(logger));
  app.get('/work', (_req, res) => {
    logger.event('info', 'work.done', { apiKeys: 3 });
    res.json({ ok: true });
  });
  let server: ReturnType<typeof app.listen>;
  let url: string;
  beforeAll(async () => {
    server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (lines.length = 0));

  /** The log lines of one request, once its access line is written. */
  async function logOf(headers: Record<string, string> = {}) {
    const response = await fetch(`${url}/work`, { headers: { authorization: 'Bearer secret-token', ...headers } });
    await response.text();
    for (let i = 0; i < 50 && !lines.some((line) => line.includes('http.request')); i++) await new Promise((r) => setTimeout(r, 10));
    return { response, entries: lines.map((line) => JSON.parse(line)) };
  }

  it('traces a caller-supplied request id through every line of the request and echoes it', async () => {
    const { response, entries } = await logOf({ 'x-request-id': 'trace-42' });
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    expect(entries.map((entry) => [entry.event, entry.requestId])).toEqual([
      ['work.done', 'trace-42'],
      ['http.request', 'trace-42'],
    ]);
    expect(entries[0].apiKeys).toBe(3);
    expect(entries[1]).toMatchObject({ method: 'GET', path: '/work', status: 200 });
    expect(lines.join('\n')).not.toContain('secret-token');
  });

  it('generates the id when the caller sends none or an unsafe one', async () => {
    const { response, entries } = await logOf({ 'x-request-id': 'bad id\twith "quotes"' });
    const generated = response.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(entries.map((entry) => entry.requestId)).toEqual([generated, generated]);
  });
});
