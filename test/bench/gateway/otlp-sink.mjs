// A stand-in OpenTelemetry collector for the benchmarks (issue 15): accepts OTLP/HTTP JSON posts
// on /v1/traces, counts the spans and drops them. Prints {"url": ...} when listening and the counts
// on SIGTERM. Its own process, so that receiving spans costs neither the gateway nor the load driver.
//   node test/bench/gateway/otlp-sink.mjs
import http from 'node:http';

let posts = 0;
let spans = 0;
let bytes = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    posts += 1;
    bytes += body.length;
    try {
      for (const resource of JSON.parse(body.toString('utf8')).resourceSpans ?? [])
        for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
    } catch {
      // not JSON: counted as a post only
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ posts, spans, bytes })}\n`);
  process.exit(0);
});
