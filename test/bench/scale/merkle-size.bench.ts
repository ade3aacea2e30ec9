/**
 * Storage of the Merkle log per audit event: sequences N generated events with the real
 * AuditSequencer and measures audit_leaves + audit_tree_nodes + audit_tree_heads.
 *
 *   node -r ./tools/register-ts.cjs test/bench/scale/merkle-size.bench.ts [events, default 200000]
 */
import { generateKeyPairSync } from 'node:crypto';
import { AuditSequencer } from '@ai-commons/audit';
import { createTestDatabase, dropTestDatabase, withPg } from '@ai-commons/testing';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.argv[2] ?? 200_000);

async function main(): Promise<void> {
  const name = `ai_commons_merklebench_${process.pid}`;
  const database = await createTestDatabase(ADMIN_URL, name);
  try {
    await withPg(database.superuserUrl, (pg) =>
      pg.query(
        `insert into audit_events (tenant_id, request_id, actor, action, resource_type, resource_id, outcome, details)
         select null, 'bench-' || i, jsonb_build_object('subject', 'svc-' || (i % 50), 'kind', 'service-account'), 'gateway.request', 'endpoint', 'e-' || (i % 3), 'success', '{}'::jsonb
           from generate_series(1, ${EVENTS}) i`,
      ),
    );
    const sequencer = new AuditSequencer({
      connectionString: database.appUrl,
      signingKey: generateKeyPairSync('ed25519').privateKey,
      intervalMs: 100,
      treeHeadIntervalMs: 1_000,
      heartbeatMs: 3_600_000,
    });
    await sequencer.runOnce({ forceTreeHead: true });
    await sequencer.stop();
    const [size] = await withPg(
      database.superuserUrl,
      async (pg) =>
        (
          await pg.query(
            `select (select count(*) from audit_leaves)::int as leaves, (select count(*) from audit_tree_nodes)::int as nodes,
              (pg_total_relation_size('audit_leaves') + pg_total_relation_size('audit_tree_nodes') + pg_total_relation_size('audit_tree_heads'))::float8 as bytes`,
          )
        ).rows,
    );
    process.stdout.write(
      `${size.leaves} leaves, ${size.nodes} nodes: ${Math.round(size.bytes / size.leaves)} bytes per event, ${(((size.bytes / size.leaves) * 1e6) / 2 ** 30).toFixed(2)} GiB per million events\n`,
    );
  } finally {
    await dropTestDatabase(ADMIN_URL, name);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
