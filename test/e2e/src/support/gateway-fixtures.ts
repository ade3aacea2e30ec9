import { createHash, randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { DEVELOPMENT_CREDENTIAL_KEK } from '@ai-commons/config';
import { LocalKekCipher, endpointCredentialContext } from '@ai-commons/catalog';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase } from './environment';

export const testCipher = new LocalKekCipher(Buffer.from(DEVELOPMENT_CREDENTIAL_KEK, 'base64'));

export interface EndpointFixture {
  tenantSlug: string;
  name: string;
  /** The first target (replica). */
  upstreamUrl: string;
  /** Further replicas, with their weights (default 1). */
  moreTargets?: { url: string; weight?: number }[];
  loadBalancing?: 'least-outstanding' | 'round-robin' | 'prefix-affinity';
  upstreamModel: string;
  credential?: string;
  driver?: 'openai-compatible' | 'azure-openai';
  azureDeployment?: string;
  state?: string;
  limits?: Partial<{
    max_request_bytes: number;
    max_output_tokens: number;
    default_max_tokens: number;
    image_input_tokens: number;
    first_byte_timeout_ms: number;
    request_timeout_ms: number;
    connect_timeout_ms: number;
    max_choices: number;
    allowed_extra_fields: string[];
  }>;
}

async function tenantId(client: Client, slug: string): Promise<string> {
  return (await client.query('select id from institutions where slug = $1', [slug])).rows[0].id;
}

/** Test data written directly as superuser: an offering to hang endpoints on. */
export async function ensureOffering(): Promise<string> {
  return withPg(e2eDatabase().superuserUrl, async (client) => {
    const existing = await client.query(`select o.id from model_offerings o join models m on m.id = o.model_id where m.name = 'fixture-model'`);
    if (existing.rowCount) return existing.rows[0].id;
    const model = await client.query(
      `insert into models (name, family, kind, provider, licence, context_window) values ('fixture-model', 'fixture', 'open', 'ai-commons tests', 'test', 8192) returning id`,
    );
    const offering = await client.query(
      `insert into model_offerings (model_id, hosting, region, network_zone, operator) values ($1, 'shared-infrastructure', 'KR', 'internal', 'tests') returning id`,
      [model.rows[0].id],
    );
    return offering.rows[0].id;
  });
}

export async function createEndpointFixture(fixture: EndpointFixture): Promise<{ id: string; tenantId: string }> {
  const offeringId = await ensureOffering();
  return withPg(e2eDatabase().superuserUrl, async (client) => {
    const tenant = await tenantId(client, fixture.tenantSlug);
    const inserted = await client.query(
      `insert into endpoints (tenant_id, name, offering_id, isolation_mode, driver, load_balancing, upstream_model, azure_deployment, azure_api_version, state)
       values ($1, $2, $3, 'shared-pool', $4, $5, $6, $7, $8, $9) returning id`,
      [
        tenant,
        fixture.name,
        offeringId,
        fixture.driver ?? 'openai-compatible',
        fixture.loadBalancing ?? 'least-outstanding',
        fixture.upstreamModel,
        fixture.azureDeployment ?? null,
        fixture.driver === 'azure-openai' ? '2024-10-21' : null,
        fixture.state ?? 'active',
      ],
    );
    const id = inserted.rows[0].id as string;
    // One statement, so the gateway's reload sees every replica at once.
    const targets = [{ url: fixture.upstreamUrl, weight: 1 }, ...(fixture.moreTargets ?? [])];
    await client.query(
      `insert into endpoint_targets (tenant_id, endpoint_id, url, weight, created_at)
       select $1, $2, url, weight, now() + make_interval(secs => ordinality / 1000.0)
       from unnest($3::text[], $4::int[]) with ordinality as t(url, weight, ordinality)`,
      [tenant, id, targets.map((target) => target.url), targets.map((target) => target.weight ?? 1)],
    );
    const limits = Object.entries(fixture.limits ?? {});
    if (limits.length) {
      // One statement: the limits are checked together (default ≤ max output tokens).
      const assignments = limits.map(([column], index) => `${column} = $${index + 2}`).join(', ');
      await client.query(`update endpoints set ${assignments} where id = $1`, [id, ...limits.map(([, value]) => value)]);
    }
    if (fixture.credential) {
      const encrypted = testCipher.encrypt(fixture.credential, endpointCredentialContext(tenant, id));
      await client.query(
        `update endpoints set credential_ciphertext = $1, credential_key_id = $2, credential_fingerprint = $3, credential_rotated_at = now() where id = $4`,
        [encrypted.ciphertext, encrypted.keyId, testCipher.fingerprint(fixture.credential), id],
      );
    }
    return { id, tenantId: tenant };
  });
}

/** An API key as a tenant admin would create it (the secret is returned, only its hash stored). */
export async function createApiKeyFixture(
  tenantSlug: string,
  options: { name?: string; endpointIds?: string[]; expiresAt?: Date; revoked?: boolean; defaultClassification?: string } = {},
): Promise<{ secret: string; id: string }> {
  const secret = `aic_${randomBytes(32).toString('base64url')}`;
  return withPg(e2eDatabase().superuserUrl, async (client) => {
    const tenant = await tenantId(client, tenantSlug);
    const inserted = await client.query(
      `insert into api_keys (tenant_id, name, key_prefix, secret_hash, endpoint_ids, expires_at, revoked_at, created_by, default_classification)
       values ($1, $2, $3, $4, $5, $6, $7, 'tests', coalesce($8, 'internal')) returning id`,
      [
        tenant,
        options.name ?? `key-${randomBytes(4).toString('hex')}`,
        secret.slice(0, 12),
        createHash('sha256').update(secret).digest(),
        options.endpointIds ?? null,
        options.expiresAt ?? null,
        options.revoked ? new Date() : null,
        options.defaultClassification ?? null,
      ],
    );
    return { secret, id: inserted.rows[0].id };
  });
}

/** The gateway learns about new keys by notification; wait until this one is in its table. */
export function apiKeyHashHex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
