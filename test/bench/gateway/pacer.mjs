// A fixed request rate for autocannon, spread evenly over time (gateway-bench.mjs, memory-bench.mjs).
/**
 * A fixed rate, spread evenly over time (`--rate-pacing paced`, the default). autocannon's own
 * `overallRate` lets every connection send its share back to back at the start of each second: a
 * burst of `rate` requests, `connections` at a time, then silence — which measures queueing behind
 * the burst, not the latency at that rate (`--rate-pacing burst` shows it). So each of the
 * `connections` connections gets a fixed slot instead: connection i sends at
 * t0 + i·(1000/rate) ms + k·(connections/rate) s. With the default 200 connections at 200 req/s,
 * one request leaves every 5 ms and each connection sends once a second; a slow response delays
 * only its own connection's next request, and only if it takes over a second (open loop).
 * Done through autocannon's public `setupClient` hook by deferring the client's `_doRequest`.
 */
export const PACE_LEAD_MS = 200;

export function pacer({ connections, overallRate }) {
  const slotMs = 1000 / overallRate;
  const periodMs = (1000 * connections) / overallRate;
  const t0 = performance.now() + PACE_LEAD_MS; // let the connections open first
  let index = 0;
  return (client) => {
    client.rate = 0; // no autocannon rate limiting for this client: the pacer decides
    const send = client._doRequest.bind(client);
    let next = t0 + index++ * slotMs;
    let timer;
    client._doRequest = (...args) => {
      if (client.destroyed) return;
      const wait = next - performance.now();
      next += periodMs;
      if (wait <= 0) return send(...args);
      timer = setTimeout(() => {
        if (!client.destroyed) send(...args);
      }, wait);
    };
    client.once('done', () => clearTimeout(timer));
  };
}
