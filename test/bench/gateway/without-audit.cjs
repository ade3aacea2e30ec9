// Preloaded (`node -r`) into a second gateway process by gateway-bench.mjs: the gateway as issue 3
// specifies its benchmark — API-key auth and usage recording on, routing, data policy and quota
// as shipped — but with the audit hook admitting without writing (no admission record to wait for,
// no completion record). The benchmark measures the shipped gateway, with the audit record, next
// to it; the difference is what the audit record costs when the upstream answers at once.
// BENCH_GATEWAY_DIST is the dist/ snapshot the gateway runs from (the same module instance).
const path = require('node:path');

const { GatewayAuditHooks } = require(path.join(process.env.BENCH_GATEWAY_DIST, 'libs/domain/audit/src'));
GatewayAuditHooks.prototype.admit = () => ({ complete: () => undefined });
GatewayAuditHooks.prototype.recordRefusal = () => undefined;
