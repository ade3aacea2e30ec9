// A stand-in OpenTelemetry collector for the benchmarks (issue 15): accepts OTLP/HTTP posts on
// /v1/traces, protobuf or JSON, counts the spans and drops them. Prints {"url": ...} when listening
// and the counts on SIGTERM. Its own process, so that receiving spans costs neither the gateway nor
// the load driver.
//   node test/bench/gateway/otlp-sink.mjs
import http from 'node:http';

let posts = 0;
let spans = 0;
let bytes = 0;

/** The length-delimited fields numbered `field` of a protobuf message (no schema library: three levels are all we read). */
function* embedded(buffer, field) {
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = buffer[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < buffer.length) {
    const key = varint();
    const type = key & 7;
    if (type === 0) varint();
    else if (type === 1) at += 8;
    else if (type === 5) at += 4;
    else if (type === 2) {
      const length = varint();
      if (key >>> 3 === field) yield buffer.subarray(at, at + length);
      at += length;
    } else throw new Error(`wire type ${type}`);
  }
}

/** ExportTraceServiceRequest: resource_spans = 1 → scope_spans = 2 → spans = 2. */
function protobufSpans(body) {
  let count = 0;
  for (const resource of embedded(body, 1)) for (const scope of embedded(resource, 2)) for (const _span of embedded(scope, 2)) count += 1;
  return count;
}

function jsonSpans(body) {
  let count = 0;
  for (const resource of JSON.parse(body.toString('utf8')).resourceSpans ?? [])
    for (const scope of resource.scopeSpans ?? []) count += scope.spans?.length ?? 0;
  return count;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const protobuf = String(req.headers['content-type']).includes('protobuf');
    posts += 1;
    bytes += body.length;
    try {
      spans += protobuf ? protobufSpans(body) : jsonSpans(body);
    } catch {
      // malformed: counted as a post only
    }
    // An empty ExportTraceServiceResponse (full success), in the request's encoding.
    if (protobuf) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ posts, spans, bytes })}\n`);
  process.exit(0);
});
