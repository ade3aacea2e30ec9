// A bare reverse proxy on node:http, used by gateway-bench.mjs --reference-proxy as a floor: what
// any Node.js proxy of this shape costs on the machine (keep-alive http.Agent upstream, whole body
// buffered both ways, as the gateway's non-streaming path does) with no authentication, no JSON
// parsing, no routing and no usage recording. Not a product; for comparison only.
//
//   node test/bench/gateway/reference-proxy.mjs <upstream base URL> [port]
import http from 'node:http';

const upstream = new URL(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function readAll(stream, done) {
  const chunks = [];
  stream.on('data', (chunk) => chunks.push(chunk));
  stream.once('end', () => done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
}

const server = http.createServer((req, res) => {
  readAll(req, (body) => {
    const call = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: req.headers.authorization ?? '' },
      },
      (response) =>
        readAll(response, (payload) => {
          res.writeHead(response.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': payload.length });
          res.end(payload);
        }),
    );
    call.once('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    call.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
