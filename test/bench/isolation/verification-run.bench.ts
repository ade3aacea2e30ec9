/**
 * Duration of a full data-isolation verification run for 20 institutions (target ≤ 30 s).
 *
 *   node -r ./tools/register-ts.cjs test/bench/isolation/verification-run.bench.ts
 *
 * Creates its own database (local PostgreSQL at 127.0.0.1:5432), 20 institutions with 3 endpoints
 * each (distinct encrypted credentials), a gateway (GATEWAY_URL set, so the gateway probes run:
 * 20 × 19 × 3 cross-institution requests) and a control plane; runs the verification 3 times as the
 * system principal and writes verification-run.md. GraphQL probes need Keycloak service accounts,
 * which only the 3 demo institutions have: for the other 17 they are skipped (a warning), so the
 * table states the GraphQL cost measured on the demo separately.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { createControlPlane } from '@ai-commons/control-plane-server';
import { createGateway } from '@ai-commons/gateway-server';
import { createTestDatabase, dropTestDatabase, testConfig, withPg } from '@ai-commons/testing';
import { JsonLogger } from '@ai-commons/observability';
import { RequestContext, SYSTEM_PRINCIPAL } from '@ai-commons/core';
import { VerificationRunner } from '@ai-commons/isolation';
import { DEVELOPMENT_CREDENTIAL_KEK } from '@ai-commons/config';
import { LocalKekCipher, endpointCredentialContext } from '@ai-commons/catalog';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const INSTITUTIONS = 20;

async function main(): Promise<void> {
  const database = await createTestDatabase(ADMIN_URL, `ai_commons_isobench_${process.pid}`);
  const silent = () => new JsonLogger('bench', 'error', () => undefined);
  const cipher = new LocalKekCipher(Buffer.from(DEVELOPMENT_CREDENTIAL_KEK, 'base64'));
  try {
    await withPg(database.superuserUrl, async (pg) => {
      const model = await pg.query(
        `insert into models (name, family, kind, provider, licence, context_window) values ('bench-model', 'bench', 'open', 'bench', 'test', 8192) returning id`,
      );
      const offering = await pg.query(
        `insert into model_offerings (model_id, hosting, region, network_zone, operator) values ($1, 'shared-infrastructure', 'KR', 'internal', 'bench') returning id`,
        [model.rows[0].id],
      );
      for (let i = 0; i < INSTITUTIONS; i++) {
        const slug = `bench-member-${String(i).padStart(2, '0')}`;
        const inst = await pg.query(
          `insert into institutions (slug, name_ko, name_en, sector, invested_capital_krw, data_classification_ceiling) values ($1, $1, $1, 'bank', 1000000000, 'confidential') returning id`,
          [slug],
        );
        for (let e = 0; e < 3; e++) {
          const endpoint = await pg.query(
            `with e as (insert into endpoints (tenant_id, name, offering_id, isolation_mode, driver, upstream_model, state) values ($1, $2, $3, 'shared-pool', 'openai-compatible', 'm', 'active') returning tenant_id, id)
             insert into endpoint_targets (tenant_id, endpoint_id, url) select tenant_id, id, 'http://127.0.0.1:9' from e returning endpoint_id as id`,
            [inst.rows[0].id, `${slug}-model-${e}`, offering.rows[0].id],
          );
          const secret = `bench-upstream-${slug}-${e}`;
          const sealed = cipher.encrypt(secret, endpointCredentialContext(inst.rows[0].id, endpoint.rows[0].id));
          await pg.query('update endpoints set credential_ciphertext = $1, credential_key_id = $2, credential_fingerprint = $3 where id = $4', [
            sealed.ciphertext,
            sealed.keyId,
            cipher.fingerprint(secret),
            endpoint.rows[0].id,
          ]);
        }
      }
    });
    const gateway = await createGateway(testConfig(database), { logger: silent(), port: 0 });
    const controlPlane = await createControlPlane(testConfig(database, { GATEWAY_URL: gateway.url, ISOLATION_SCHEDULE_MS: '0' }), {
      logger: silent(),
      port: 0,
    });
    const verification = controlPlane.app.get(VerificationRunner);
    const rows: string[] = [];
    const durations: number[] = [];
    for (let round = 1; round <= 3; round++) {
      const started = performance.now();
      const run = await RequestContext.run({ requestId: 'bench', principal: SYSTEM_PRINCIPAL }, () => verification.run(SYSTEM_PRINCIPAL, 'on-demand'));
      const ms = performance.now() - started;
      durations.push(ms);
      const slowest = [...run.checks]
        .sort((a, b) => b.durationMs - a.durationMs)
        .slice(0, 3)
        .map((check) => `${check.id} ${check.durationMs} ms`)
        .join(', ');
      rows.push(
        `| ${round} | ${INSTITUTIONS} | ${(ms / 1000).toFixed(2)} s | ${run.summary?.pass}/${run.summary?.fail}/${run.summary?.warning} | ${slowest} |`,
      );
      process.stdout.write(`${rows[rows.length - 1]}\n`);
    }
    await controlPlane.close();
    await gateway.close();
    const markdown = [
      '# Data-isolation verification run: duration for 20 institutions',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} on the shared 2-core development VM (1-minute load average at the end: ${loadavg()[0].toFixed(1)}), local PostgreSQL, `,
      'in-process control plane and gateway. Target: **≤ 30 s** per full run. Script: `node -r ./tools/register-ts.cjs test/bench/isolation/verification-run.bench.ts`.',
      '',
      `Setup: ${INSTITUTIONS} institutions × 3 endpoints with distinct encrypted credentials; GATEWAY_URL set, so the gateway probe sends`,
      `${INSTITUTIONS} × ${INSTITUTIONS - 1} × 3 cross-institution chat requests (all refused with 404) after creating and loading 20 probe keys.`,
      'The bench institutions have no Keycloak service accounts, so the GraphQL probe only attempts a token per institution and',
      'skips them (the one warning per run); on the demo consortium it runs in full (3 institutions × 2 others × 3 queries).',
      '',
      '| run | institutions | duration | pass/fail/warning | slowest checks |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      `Worst of ${durations.length}: **${(Math.max(...durations) / 1000).toFixed(2)} s**.`,
      '',
    ].join('\n');
    writeFileSync(join(__dirname, 'verification-run.md'), markdown);
  } finally {
    await dropTestDatabase(ADMIN_URL, database.name);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
