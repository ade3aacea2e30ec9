import { createHash, randomBytes } from 'node:crypto';
import { fail, pass, warning, type CheckOutcome, type IsolationCheck, type RunContext } from './check';

/** Probe keys live only as long as a run needs them (a 20-institution run takes seconds). */
const PROBE_KEY_LIFETIME = '2 minutes';

interface ProbeKey {
  institutionId: string;
  slug: string;
  id: string;
  secret: string;
}

/**
 * Polls until the gateway accepts the new key. Each refused poll is an authentication failure the
 * gateway counts against this control plane's address (its per-source brake), so polls back off
 * (50 ms doubling to 1 s) and a 429 from the brake is waited out, not counted as an answer.
 */
async function waitForKey(gatewayUrl: string, secret: string, deadline: number): Promise<{ status: number; models: string[] }> {
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    const response = await fetch(`${gatewayUrl}/v1/models`, { headers: { authorization: `Bearer ${secret}` }, signal: AbortSignal.timeout(5_000) });
    const body = (await response.json().catch(() => ({}))) as { data?: { id: string }[] };
    const notYet = response.status === 401 || response.status === 429;
    if (!notYet || Date.now() > deadline) return { status: response.status, models: (body.data ?? []).map((model) => model.id) };
    const retryAfterMs = response.status === 429 ? Number(response.headers.get('retry-after') ?? 1) * 1_000 : pause;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(retryAfterMs, deadline - Date.now()))));
  }
}

async function endpointNames(context: RunContext): Promise<Map<string, Set<string>>> {
  const rows: { tenant_id: string; name: string }[] = await context.asSystem((tx) =>
    tx.query(`select tenant_id, name from endpoints where state in ('active', 'draining')`),
  );
  const names = new Map<string, Set<string>>();
  for (const row of rows) names.set(row.tenant_id, (names.get(row.tenant_id) ?? new Set()).add(row.name));
  return names;
}

export const gatewayProbes: IsolationCheck = {
  id: 'probe.gateway',
  title: "No institution's API key reaches another institution's models through the gateway",
  concern: 'other-members',
  method:
    `Creates a short-lived API key per institution (in its own scope, expiring after ${PROBE_KEY_LIFETIME}, revoked at the end of the run: evidence.probeKeys), waits until the gateway has loaded it, ` +
    "then with each key lists /v1/models (only the institution's own endpoints may appear) and sends a chat request carrying the run's marker to every " +
    'model name only another institution has (every one must be refused with 404, nothing forwarded upstream).',
  async run(context) {
    if (!context.gatewayUrl) return warning('gateway not configured: set GATEWAY_URL to probe the data plane', { configured: false });
    const keys: ProbeKey[] = [];
    let outcome: CheckOutcome | undefined;
    let failure: unknown;
    try {
      for (const institution of context.institutions.filter((candidate) => candidate.status === 'active')) {
        const secret = `aic_${randomBytes(32).toString('base64url')}`;
        const [row]: { id: string }[] = await context.asTenant(institution.id, (tx) =>
          tx.query(
            `insert into api_keys (tenant_id, name, key_prefix, secret_hash, default_classification, expires_at, created_by)
             values ($1, $2, $3, $4, 'public', now() + interval '${PROBE_KEY_LIFETIME}', 'isolation-verification') returning id`,
            [institution.id, `isolation-probe-${context.runId.slice(0, 8)}`, secret.slice(0, 12), createHash('sha256').update(secret).digest()],
          ),
        );
        keys.push({ institutionId: institution.id, slug: institution.slug, id: row.id, secret });
      }
      outcome = await probeWith(context, context.gatewayUrl, keys);
    } catch (error) {
      failure = error;
    }
    // Revoked at the end of the run whatever happened; the report shows each key's expiry and revocation.
    const probeKeys = await revokeAll(context, keys);
    if (!outcome) throw failure;
    return { ...outcome, evidence: { ...outcome.evidence, probeKeys } };
  },
};

async function revokeAll(context: RunContext, keys: ProbeKey[]): Promise<Record<string, unknown>[]> {
  const revoked: Record<string, unknown>[] = [];
  for (const key of keys) {
    const rows: { key_prefix: string; created_at: Date; expires_at: Date; revoked_at: Date | null }[] = await context
      .asTenant(key.institutionId, (tx) =>
        // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
        tx.query(
          `with revoked as (update api_keys set revoked_at = coalesce(revoked_at, now()) where tenant_id = $1 and id = $2
             returning key_prefix, created_at, expires_at, revoked_at) select * from revoked`,
          [key.institutionId, key.id],
        ),
      )
      .catch(() => []);
    const row = rows[0];
    revoked.push({
      institution: key.slug,
      keyId: key.id,
      keyPrefix: row?.key_prefix ?? key.secret.slice(0, 12),
      createdAt: row?.created_at.toISOString() ?? null,
      expiresAt: row?.expires_at.toISOString() ?? null,
      revokedAt: row?.revoked_at?.toISOString() ?? null,
    });
  }
  return revoked;
}

async function probeWith(context: RunContext, gatewayUrl: string, keys: ProbeKey[]): Promise<CheckOutcome> {
  const names = await endpointNames(context);
  const deadline = Date.now() + 10_000;
  const probes: Record<string, unknown>[] = [];
  const leaks: Record<string, unknown>[] = [];
  for (const key of keys) {
    const own = names.get(key.institutionId) ?? new Set<string>();
    const listing = await waitForKey(gatewayUrl, key.secret, deadline);
    if (listing.status !== 200) {
      probes.push({ institution: key.slug, probe: 'GET /v1/models', status: listing.status, note: 'key not accepted' });
      continue;
    }
    const foreignListed = listing.models.filter((model) => !own.has(model));
    probes.push({ institution: key.slug, probe: 'GET /v1/models', status: 200, listed: listing.models.length, foreign: foreignListed });
    if (foreignListed.length) leaks.push({ institution: key.slug, probe: 'GET /v1/models', foreign: foreignListed });
    const foreignNames = new Set<string>();
    for (const [tenantId, tenantNames] of names) if (tenantId !== key.institutionId) for (const name of tenantNames) if (!own.has(name)) foreignNames.add(name);
    const statuses: Record<string, number> = {};
    for (const model of foreignNames) {
      const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key.secret}`,
          'content-type': 'application/json',
          'x-data-classification': 'public',
          'x-request-id': `isolation-${context.runId}`,
        },
        body: JSON.stringify({ model, max_tokens: 1, messages: [{ role: 'user', content: `${context.marker} cross-institution probe` }] }),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status !== 404 && response.status !== 403)
        leaks.push({ institution: key.slug, probe: 'POST /v1/chat/completions', model, status: response.status });
    }
    probes.push({ institution: key.slug, probe: 'POST /v1/chat/completions to foreign model names', requests: foreignNames.size, statuses });
  }
  const unaccepted = probes.filter((probe) => probe['note'] === 'key not accepted');
  const evidence = { gatewayUrl, probes, leaks };
  if (leaks.length) return fail(`${leaks.length} gateway probes reached another institution's models or listed them`, evidence);
  if (unaccepted.length) return warning(`${unaccepted.length} probe keys were not loaded by the gateway in time; no leak among the rest`, evidence);
  return pass(
    `${keys.length} institutions' API keys: model lists held only their own endpoints; every request for another institution's model was refused`,
    evidence,
  );
}
