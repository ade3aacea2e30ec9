// Preloaded (`node -r`) into a gateway process by gateway-bench.mjs for the opt-in target
// `gateway-no-use-case`: the gateway as shipped, with the use-case hook admitting every request
// without looking anything up. Measured next to `gateway`, the difference is what use-case
// enforcement (issue 13) adds to a request.
// BENCH_GATEWAY_DIST is the dist/ snapshot the gateway runs from (the same module instance).
const path = require('node:path');

const { UseCaseHook } = require(path.join(process.env.BENCH_GATEWAY_DIST, 'libs/domain/use-cases/src'));
const ALLOW = { decision: 'allow' };
UseCaseHook.prototype.decide = async () => ALLOW;
