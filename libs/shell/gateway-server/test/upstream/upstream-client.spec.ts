import http from 'node:http';
import net from 'node:net';
import { callUpstream, readAll } from '../../src/upstream/upstream-client';
import { GatewayError } from '../../src/http/openai-error';
import { CallCancelled, Cancellation } from '../../src/upstream/cancellation';
import { upstreamTarget } from '../../src/upstream/upstream-request';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function request(port: number) {
  const body = Buffer.from('{"x":1}');
  return {
    target: upstreamTarget(new URL(`http://127.0.0.1:${port}/v1/chat/completions`)),
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    body,
  };
}

const timeouts = { connectTimeoutMs: 500, firstByteTimeoutMs: 500 };

/** Runs `test` against a local upstream answering with `handler`, then closes it. */
async function withUpstream(handler: http.RequestListener, test: (port: number, server: http.Server) => Promise<void>): Promise<void> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await test((server.address() as net.AddressInfo).port, server);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Sends headers and a first piece, then never ends. */
const answerNeverEnding: http.RequestListener = (_req, res) => {
  res.writeHead(200);
  res.write('partial');
};

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
      const response = await callUpstream(request(port), timeouts, 3, new Cancellation());
      expect((await readAll(response)).toString()).toBe('ok');
      expect(calls).toBe(1);
    } finally {
      server.close();
    }
  });

  it('gives up after the retries with 502 upstream_unreachable', async () => {
    const port = await freePort();
    await expect(callUpstream(request(port), timeouts, 1, new Cancellation())).rejects.toMatchObject({
      status: 502,
      code: 'upstream_unreachable',
    } satisfies Partial<GatewayError>);
  });

  it('does not retry once the upstream has the request: a silent upstream is a 504', async () => {
    let calls = 0;
    await withUpstream(
      () => void calls++ /* never answers */,
      async (port) => {
        await expect(callUpstream(request(port), { connectTimeoutMs: 200, firstByteTimeoutMs: 200 }, 3, new Cancellation())).rejects.toMatchObject({
          status: 504,
          code: 'upstream_timeout',
        });
        expect(calls).toBe(1);
      },
    );
  });

  it('a cancelled call stops at once: the caller gone (CallCancelled) or the total time up (that GatewayError)', async () => {
    await withUpstream(
      () => undefined /* never answers */,
      async (port) => {
        const gone = new Cancellation();
        const first = callUpstream(request(port), { connectTimeoutMs: 5_000, firstByteTimeoutMs: 5_000 }, 3, gone);
        setTimeout(() => gone.cancel('client-gone'), 20);
        await expect(first).rejects.toBeInstanceOf(CallCancelled);

        const timedOut = new Cancellation();
        const second = callUpstream(request(port), { connectTimeoutMs: 5_000, firstByteTimeoutMs: 5_000 }, 3, timedOut);
        const timeout = new GatewayError(504, 'timeout_error', 'upstream_timeout', 'total time up');
        setTimeout(() => timedOut.cancel(timeout), 20);
        await expect(second).rejects.toBe(timeout);
      },
    );
  });

  it('a cancellation after the answer was read in full leaves the kept-alive connection to the next call', async () => {
    let connections = 0;
    await withUpstream(
      (_req, res) => res.end('ok'),
      async (port, server) => {
        server.on('connection', () => connections++);
        const first = new Cancellation();
        expect((await readAll(await callUpstream(request(port), timeouts, 0, first))).toString()).toBe('ok');
        await new Promise((resolve) => setImmediate(resolve)); // the socket goes back to the agent
        first.cancel('client-gone'); // late: must not touch the pooled socket
        const second = await callUpstream(request(port), timeouts, 0, new Cancellation());
        expect((second as typeof second & { req: http.ClientRequest }).req.reusedSocket).toBe(true);
        expect((await readAll(second)).toString()).toBe('ok');
        expect(connections).toBe(1);
      },
    );
  });

  it('a body cancelled before anyone reads it fails at once instead of waiting forever', async () => {
    await withUpstream(answerNeverEnding, async (port) => {
      const cancellation = new Cancellation();
      const response = await callUpstream(request(port), timeouts, 0, cancellation);
      const closed = new Promise((resolve) => response.once('close', resolve));
      cancellation.cancel('client-gone');
      await closed; // destroyed, its events gone: nobody listened
      await expect(readAll(response)).rejects.toThrow('aborted');
    });
  });

  it('cancelling after the headers arrived cuts the body off', async () => {
    await withUpstream(answerNeverEnding, async (port) => {
      const cancellation = new Cancellation();
      const response = await callUpstream(request(port), timeouts, 0, cancellation);
      const body = readAll(response);
      cancellation.cancel('client-gone');
      await expect(body).rejects.toThrow();
    });
  });
});

describe('upstreamTarget', () => {
  it('turns a URL into request options: default ports, IPv6 without brackets, the query kept', () => {
    expect(upstreamTarget(new URL('https://models.example/openai/x?api-version=2024-10-21'))).toEqual({
      https: true,
      hostname: 'models.example',
      port: 443,
      path: '/openai/x?api-version=2024-10-21',
    });
    expect(upstreamTarget(new URL('http://[::1]:8000/v1/embeddings'))).toEqual({ https: false, hostname: '::1', port: 8000, path: '/v1/embeddings' });
    expect(upstreamTarget(new URL('http://10.0.0.7/v1/chat/completions')).port).toBe(80);
  });
});

describe('Cancellation', () => {
  it('whenCancelled rejects with the reason when it is an error, with CallCancelled otherwise, also when asked afterwards', async () => {
    const timedOut = new Cancellation();
    const waiting = timedOut.whenCancelled();
    const timeout = new GatewayError(504, 'timeout_error', 'upstream_timeout', 'total time up');
    timedOut.cancel(timeout);
    await expect(waiting).rejects.toBe(timeout);
    await expect(timedOut.whenCancelled()).rejects.toBe(timeout);
    const gone = new Cancellation();
    gone.cancel('client-gone');
    await expect(gone.whenCancelled()).rejects.toBeInstanceOf(CallCancelled);
    // Never cancelled: still pending, and a race against it is decided by the other side.
    await expect(Promise.race([new Cancellation().whenCancelled(), Promise.resolve('answered')])).resolves.toBe('answered');
  });

  it('runs the hook once with the first reason, at once for a hook set afterwards, never for a cleared one', () => {
    const seen: unknown[] = [];
    const cancellation = new Cancellation();
    cancellation.onCancel((reason) => seen.push(['first', reason]));
    cancellation.onCancel(undefined);
    cancellation.onCancel((reason) => seen.push(['second', reason]));
    cancellation.cancel('a');
    cancellation.cancel('b');
    expect(cancellation.cancelled).toBe(true);
    expect(cancellation.reason).toBe('a');
    cancellation.onCancel((reason) => seen.push(['late', reason]));
    expect(seen).toEqual([
      ['second', 'a'],
      ['late', 'a'],
    ]);
  });
});
