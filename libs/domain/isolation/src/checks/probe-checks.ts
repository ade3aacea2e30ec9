/* eslint-disable @typescript-eslint/no-explicit-any -- rows of raw SQL and GraphQL answers, read field by field */
import { ident, fail, pass, warning, type IsolationCheck, type RunContext } from './check';
import { serviceAccountSecretVariable } from '@ai-commons/config';

function tenantCountsSql(tables: string[]): string {
  return tables
    .map((table) => `select '${table}' as table, count(*)::int as rows from ${ident(table)} where tenant_id is distinct from $1`)
    .join(' union all ');
}

export const sqlCanaryProbes: IsolationCheck = {
  id: 'probe.sql-canaries',
  title: "No institution's database session reads or writes another institution's rows",
  concern: 'other-members',
  method:
    "Plants a canary row per institution in its own scope. Then, in each institution's scope (as the app role), selects the other " +
    "institutions' canaries and counts rows of every tenant table whose tenant_id is not its own (all must be 0), and tries to insert a canary " +
    "under the next institution's tenant id (must be refused by RLS).",
  async run(context) {
    const { institutions, tenantTables } = context;
    for (const institution of institutions) {
      await context.asTenant(institution.id, (tx) =>
        tx.query('insert into isolation_canaries (tenant_id, run_id, marker) values ($1, $2, $3)', [
          institution.id,
          context.runId,
          `${context.marker}:${institution.slug}`,
        ]),
      );
    }
    const reads: { institution: string; canariesOfOthers: number; foreignRows: Record<string, number> }[] = [];
    const writes: { institution: string; target: string; refused: boolean; error?: string }[] = [];
    for (const [index, institution] of institutions.entries()) {
      const probe = await context.asTenant(institution.id, async (tx) => {
        const [canaries]: { count: number }[] = await tx.query('select count(*)::int as count from isolation_canaries where tenant_id <> $1', [institution.id]);
        const counts: { table: string; rows: number }[] = tenantTables.length ? await tx.query(tenantCountsSql(tenantTables), [institution.id]) : [];
        const ownCanary: { count: number }[] = await tx.query('select count(*)::int as count from isolation_canaries where run_id = $1', [context.runId]);
        return { canaries: canaries.count, counts, own: ownCanary[0].count };
      });
      const foreignRows = Object.fromEntries(probe.counts.filter((row) => row.rows > 0).map((row) => [row.table, row.rows]));
      reads.push({ institution: institution.slug, canariesOfOthers: probe.canaries, foreignRows });
      if (probe.own !== 1) reads[reads.length - 1].foreignRows['isolation_canaries(own-run)'] = probe.own - 1;
      if (institutions.length > 1) {
        const target = institutions[(index + 1) % institutions.length];
        try {
          await context.asTenant(institution.id, (tx) =>
            tx.query('insert into isolation_canaries (tenant_id, run_id, marker) values ($1, $2, $3)', [
              target.id,
              context.runId,
              `${context.marker}:intrusion:${institution.slug}`,
            ]),
          );
          writes.push({ institution: institution.slug, target: target.slug, refused: false });
        } catch (error) {
          writes.push({
            institution: institution.slug,
            target: target.slug,
            refused: true,
            error: (error as { code?: string }).code ?? (error as Error).message,
          });
        }
      }
    }
    const leaks = reads.filter((read) => read.canariesOfOthers > 0 || Object.keys(read.foreignRows).length > 0);
    const intrusions = writes.filter((write) => !write.refused);
    const evidence = { institutions: institutions.length, tablesProbed: tenantTables, reads, writes, leaks, intrusions };
    if (leaks.length || intrusions.length) {
      return fail(`${leaks.length} institutions read other institutions' rows and ${intrusions.length} wrote into another institution`, evidence);
    }
    return pass(
      `${institutions.length} institutions × ${tenantTables.length} tenant tables: every cross-institution read was empty and every cross-institution write refused`,
      evidence,
    );
  },
};

export const noScopeProbe: IsolationCheck = {
  id: 'probe.no-scope',
  title: 'A session without an institution scope sees no institution data',
  concern: 'operator-access',
  method:
    'Opens plain pooled connections as the app role with no tenant scope set (as an operator or a compromised component would) and counts rows of every ' +
    "tenant table (all must be 0); in the platform's cross-tenant read scope, counts this run's canaries (must be 0: canaries are visible to their own institution only).",
  async run(context) {
    const counts: { table: string; rows: number }[] = context.tenantTables.length
      ? await context.dataSource.query(
          context.tenantTables.map((table) => `select '${table}' as table, count(*)::int as rows from ${ident(table)}`).join(' union all '),
        )
      : [];
    const visible = counts.filter((row) => row.rows > 0);
    const [canaries]: { count: number }[] = await context.asSystem((tx) =>
      tx.query('select count(*)::int as count from isolation_canaries where run_id = $1', [context.runId]),
    );
    const evidence = { withoutScope: counts, canariesSeenCrossTenant: canaries.count };
    return visible.length || canaries.count > 0
      ? fail(
          `Without a tenant scope the app role sees rows of ${visible.map((row) => row.table).join(', ') || 'no table'}; cross-tenant scope sees ${canaries.count} canaries`,
          evidence,
        )
      : pass(`Without a tenant scope, all ${counts.length} tenant tables read empty; the cross-tenant scope sees no canary`, evidence);
  },
};

export const pooledConnectionProbe: IsolationCheck = {
  id: 'probe.pooled-connection',
  title: 'A pooled connection carries no institution context from one transaction to the next',
  concern: 'other-members',
  method:
    "Runs a transaction in each institution's scope, then on pooled connections (as many as the pool holds, twice over) reads app.tenant_id and app.cross_tenant outside any transaction: all must be empty.",
  async run(context) {
    const poolSize = Math.max(1, Number((context.dataSource.options as { poolSize?: number }).poolSize ?? 10));
    for (const institution of context.institutions) await context.asTenant(institution.id, (tx) => tx.query('select 1'));
    const samples = await Promise.all(
      Array.from(
        { length: poolSize * 2 },
        () =>
          context.dataSource.query(
            `select pg_backend_pid() as pid, coalesce(current_setting('app.tenant_id', true), '') as tenant, coalesce(current_setting('app.cross_tenant', true), '') as "crossTenant"`,
          ) as Promise<{ pid: number; tenant: string; crossTenant: string }[]>,
      ),
    );
    const rows = samples.map((sample) => sample[0]);
    const carried = rows.filter((row) => row.tenant !== '' || row.crossTenant !== '');
    const evidence = { connectionsSampled: new Set(rows.map((row) => row.pid)).size, samples: rows.length, carried };
    return carried.length
      ? fail(`${carried.length} of ${rows.length} pooled sessions still carried a tenant scope`, evidence)
      : pass(`${rows.length} samples over ${evidence.connectionsSampled} pooled connections carried no tenant scope`, evidence);
  },
};

async function graphql(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data?: any; errors?: { extensions?: { code?: string; reason?: string } }[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
}

async function serviceAccountToken(context: RunContext, slug: string): Promise<string> {
  const secret = context.keycloak.serviceSecret(slug);
  if (secret === undefined) throw new Error(`no secret configured for svc-${slug} (${serviceAccountSecretVariable(slug)})`);
  const response = await fetch(`${context.keycloak.url}/realms/${context.keycloak.realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: `svc-${slug}`, client_secret: secret }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

const codesOf = (result: { errors?: { extensions?: { code?: string; reason?: string } }[] }) =>
  (result.errors ?? []).map((error) => error.extensions?.reason ?? error.extensions?.code ?? 'ERROR');

export const graphqlProbes: IsolationCheck = {
  id: 'probe.graphql',
  title: "No institution's credentials read another institution's data through the GraphQL API",
  concern: 'other-members',
  method:
    "Obtains each institution's Keycloak service-account token (client svc-<slug>) and, against the control plane's own /graphql, lists institutions and " +
    'reads every other institution by id and its endpoints and API keys by institutionId: every answer must be empty, NOT_FOUND or refused. Institutions without a service account are skipped (warning).',
  async run(context) {
    if (!context.controlPlaneUrl) return warning('GraphQL probes skipped: the control plane URL is not known', { configured: false });
    const url = `${context.controlPlaneUrl}/graphql`;
    const probes: Record<string, unknown>[] = [];
    const skipped: { institution: string; reason: string }[] = [];
    const leaks: Record<string, unknown>[] = [];
    for (const institution of context.institutions) {
      let token: string;
      try {
        token = await serviceAccountToken(context, institution.slug);
      } catch (error) {
        skipped.push({ institution: institution.slug, reason: (error as Error).message });
        continue;
      }
      const list = await graphql(url, token, 'query { institutions(first: 100) { edges { node { id } } } }', {});
      const listed: string[] = (list.data?.institutions?.edges ?? []).map((edge: { node: { id: string } }) => edge.node.id);
      const foreignListed = listed.filter((id) => id !== institution.id);
      probes.push({ institution: institution.slug, query: 'institutions', returned: listed.length, foreign: foreignListed.length, errors: codesOf(list) });
      if (foreignListed.length) leaks.push({ institution: institution.slug, query: 'institutions', foreign: foreignListed });
      for (const other of context.institutions) {
        if (other.id === institution.id) continue;
        const result = await graphql(
          url,
          token,
          `
            query ($id: ID!) {
              institution: institution(id: $id) {
                id
              }
              endpoints: endpoints(first: 100, institutionId: $id) {
                edges {
                  node {
                    id
                  }
                }
              }
              apiKeys: apiKeys(first: 100, institutionId: $id) {
                edges {
                  node {
                    id
                  }
                }
              }
            }
          `,
          { id: other.id },
        );
        // Any one refused field nulls the whole answer: ask each separately so each is judged on its own.
        const parts: Record<string, unknown> = {};
        for (const [field, query] of Object.entries({
          institution: 'query ($id: ID!) { institution(id: $id) { id } }',
          endpoints: 'query ($id: ID!) { endpoints(first: 100, institutionId: $id) { edges { node { id } } } }',
          apiKeys: 'query ($id: ID!) { apiKeys(first: 100, institutionId: $id) { edges { node { id } } } }',
        })) {
          const single = result.data?.[field] !== undefined && result.data?.[field] !== null ? result : await graphql(url, token, query, { id: other.id });
          const value = single.data?.[field];
          const returned = field === 'institution' ? (value?.id ? 1 : 0) : (value?.edges?.length ?? 0);
          parts[field] = { returned, errors: codesOf(single) };
          if (returned > 0) leaks.push({ institution: institution.slug, target: other.slug, field, returned });
        }
        probes.push({ institution: institution.slug, target: other.slug, ...parts });
      }
    }
    const evidence = { url, probes, skipped, leaks };
    if (leaks.length) return fail(`${leaks.length} GraphQL probes returned another institution's data`, evidence);
    const probed = context.institutions.length - skipped.length;
    if (probed === 0) return warning('GraphQL probes skipped: no institution service account could sign in', evidence);
    if (skipped.length) return warning(`${probed} institutions probed over GraphQL with no leak; ${skipped.length} have no usable service account`, evidence);
    return pass(`${probes.length} GraphQL probes from ${probed} institutions' service accounts: all empty, NOT_FOUND or refused`, evidence);
  },
};
