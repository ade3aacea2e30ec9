import http from 'node:http';
import net from 'node:net';
import { callUpstream, readAll } from './upstream-client';
import { GatewayError } from '../http/openai-error';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function request(port: number) {
  const body = Buffer.from('{"x":1}');
  return { url: new URL(`http://127.0.0.1:${port}/v1/chat/completions`), headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body };
}

const timeouts = { connectTimeoutMs: 500, firstByteTimeoutMs: 500 };

describe('callUpstream', () => {
  it('retries connection failures: an upstream that comes up a moment later is reached', async () => {
    const port = await freePort();
    let calls = 0;
    const server = http.createServer((_req, res) => {
      calls++;
      res.end('ok');
    });
    setTimeout(() => server.listen(port, '127.0.0.1'), 40);
    try {
      const response = await callUpstream(request(port), timeouts, 3, new AbortController().signal);
      expect((await readAll(response)).toString()).toBe('ok');
      expect(calls).toBe(1);
    } finally {
      server.close();
    }
  });

  it('gives up after the retries with 502 upstream_unreachable', async () => {
    const port = await freePort();
    await expect(callUpstream(request(port), timeouts, 1, new AbortController().signal)).rejects.toMatchObject({
      status: 502,
      code: 'upstream_unreachable',
    } satisfies Partial<GatewayError>);
  });

  it('does not retry once the upstream has the request: a silent upstream is a 504', async () => {
    let calls = 0;
    const server = http.createServer(() => {
      calls++; // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      await expect(callUpstream(request(port), { connectTimeoutMs: 200, firstByteTimeoutMs: 200 }, 3, new AbortController().signal)).rejects.toMatchObject({
        status: 504,
        code: 'upstream_timeout',
      });
      expect(calls).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
