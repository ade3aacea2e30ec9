import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OpenAI-compatible upstream that records every request body it receives (what left the gateway). */
export interface CaptureUpstream {
  url: string;
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startCaptureUpstream(): Promise<CaptureUpstream> {
  const bodies: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (req.url?.endsWith('/chat/completions')) bodies.push(body);
      const answer = req.url?.endsWith('/embeddings')
        ? {
            object: 'list',
            data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
            model: body['model'],
            usage: { prompt_tokens: 3, total_tokens: 3 },
          }
        : {
            id: 'chatcmpl-capture',
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body['model'],
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
          };
      const payload = JSON.stringify(answer);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
