import { randomBytes } from 'node:crypto';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { DEFAULT_POLICY } from '@ai-commons/policy';
import { errorCodes, graphqlRequest, userToken, withPg } from '@ai-commons/testing';
import { e2eDatabase, startControlPlane } from './support/environment';

const VERSION_FIELDS = 'policyId version documentJson note publishedBy publishedAt published';
const DATA_POLICY = `{ dataPolicy { ${VERSION_FIELDS} } }`;
const VERSIONS = `{ dataPolicyVersions { ${VERSION_FIELDS} } }`;
const PUBLISH = `mutation($doc: String!, $note: String) { publishDataPolicy(documentJson: $doc, note: $note) { ${VERSION_FIELDS} } }`;
const SET_PII =
  'mutation($settings: String!, $id: ID) { setInstitutionPiiSettings(settingsJson: $settings, institutionId: $id) { institutionId settingsJson revision } }';
const PREVIEW =
  'query($sample: String!, $prompt: String, $doc: String) { previewDataPolicy(sampleRequestJson: $sample, samplePrompt: $prompt, documentJson: $doc) }';

/** Personal credit data to a commercial cloud abroad: the default policy denies it. */
const FOREIGN_SAMPLE = JSON.stringify({
  classification: 'personal-credit',
  institutionCeiling: 'personal-credit',
  endpoint: { hosting: 'cloud-commercial', region: 'US', networkZone: 'internet' },
});

describe('data-handling policy administration over GraphQL', () => {
  let controlPlane: ControlPlane;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const nextVersion = DEFAULT_POLICY.version + 1;
  const documentOf = (version: number) => JSON.stringify({ ...DEFAULT_POLICY, version });
  // Audit events are never deleted: other suites' publishes (e.g. the console's) stay in the shared
  // log after they reset the tables, so this suite reads only the events since it began.
  let startedAt: Date;

  beforeAll(async () => {
    [{ now: startedAt }] = await superuser<{ now: Date }>('select clock_timestamp() as now');
    controlPlane = await startControlPlane({ CATALOG_HEALTH_PROBE_INTERVAL_MS: '0' });
    for (const user of ['platform-admin', 'regulator', 'hanbit-bank-admin', 'hanbit-bank-analyst']) tokens[user] = await userToken(user);
    for (const row of await superuser<{ id: string; slug: string }>('select id, slug from institutions')) ids[row.slug] = row.id;
    await superuser('delete from institution_pii_settings');
    await superuser('delete from data_policy_versions');
  });
  afterAll(async () => {
    // Other suites expect the built-in default and no PII settings.
    await superuser('delete from institution_pii_settings');
    await superuser('delete from data_policy_versions');
    await controlPlane?.close();
  });

  const gql = (user: string, query: string, variables: Record<string, unknown> = {}) =>
    graphqlRequest<any>(controlPlane.url, query, {
      token: tokens[user],
      variables,
      headers: { 'x-request-id': `policy-admin-${randomBytes(4).toString('hex')}` },
    });
  function superuser<T = any>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return withPg(e2eDatabase().superuserUrl, async (client) => (await client.query(sql, parameters)).rows as T[]);
  }
  async function auditRows(action: string) {
    await controlPlane.audit.writer.flush();
    return superuser('select tenant_id, resource_id, details, actor from audit_events where action = $1 and occurred_at >= $2 order by occurred_at', [
      action,
      startedAt,
    ]);
  }

  it('before anything is published, every reader sees the built-in default, not marked published', async () => {
    for (const user of ['platform-admin', 'regulator', 'hanbit-bank-admin']) {
      const response = await gql(user, DATA_POLICY);
      expect(response.errors).toBeUndefined();
      expect(response.data.dataPolicy).toMatchObject({
        policyId: DEFAULT_POLICY.policyId,
        version: DEFAULT_POLICY.version,
        published: false,
        publishedAt: null,
      });
      expect(JSON.parse(response.data.dataPolicy.documentJson)).toEqual(JSON.parse(JSON.stringify(DEFAULT_POLICY)));
    }
    const versions = await gql('regulator', VERSIONS);
    expect(versions.data.dataPolicyVersions.map((v: any) => [v.version, v.published])).toEqual([[DEFAULT_POLICY.version, false]]);
  });

  it('a platform admin publishes the next version: in force at once, listed newest first, audited', async () => {
    const published = await gql('platform-admin', PUBLISH, { doc: documentOf(nextVersion), note: 'tighten logging' });
    expect(published.errors).toBeUndefined();
    expect(published.data.publishDataPolicy).toMatchObject({
      policyId: DEFAULT_POLICY.policyId,
      version: nextVersion,
      note: 'tighten logging',
      published: true,
      publishedAt: expect.any(String),
    });

    const current = await gql('hanbit-bank-admin', DATA_POLICY);
    expect(current.data.dataPolicy).toMatchObject({ version: nextVersion, published: true, note: 'tighten logging' });
    const versions = await gql('platform-admin', VERSIONS);
    expect(versions.data.dataPolicyVersions.map((v: any) => [v.version, v.published])).toEqual([
      [nextVersion, true],
      [DEFAULT_POLICY.version, false],
    ]);

    const events = (await auditRows('data-policy.publish')).filter((row) => row.resource_id === `${DEFAULT_POLICY.policyId}@${nextVersion}`);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ tenant_id: null, details: expect.objectContaining({ version: nextVersion, note: 'tighten logging' }) });
    expect(event.actor).toMatchObject({ username: 'platform-admin' });
  });

  it('versions are immutable and consecutive; invalid documents are refused', async () => {
    const again = await gql('platform-admin', PUBLISH, { doc: documentOf(nextVersion) });
    expect(errorCodes(again)).toEqual([{ code: 'CONFLICT', reason: 'POLICY_VERSION_CONFLICT' }]);
    const skipped = await gql('platform-admin', PUBLISH, { doc: documentOf(nextVersion + 2) });
    expect(errorCodes(skipped)).toEqual([{ code: 'CONFLICT', reason: 'POLICY_VERSION_CONFLICT' }]);
    expect(skipped.errors?.[0]?.extensions?.details).toMatchObject({ currentVersion: nextVersion });
    const invalid = await gql('platform-admin', PUBLISH, { doc: JSON.stringify({ ...DEFAULT_POLICY, version: nextVersion + 1, rules: 'none' }) });
    expect(errorCodes(invalid)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'POLICY_INVALID' }]);
    expect((invalid.errors?.[0]?.extensions?.details as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
    const notJson = await gql('platform-admin', PUBLISH, { doc: '{ not json' });
    expect(errorCodes(notJson)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'POLICY_INVALID' }]);
    expect(await superuser('select version from data_policy_versions order by version')).toEqual([{ version: nextVersion }]);
  });

  it('previews a sample request under the policy in force or a draft, changing nothing', async () => {
    const preview = await gql('regulator', PREVIEW, { sample: FOREIGN_SAMPLE, prompt: '주민번호 900101-1234568' });
    expect(preview.errors).toBeUndefined();
    const result = JSON.parse(preview.data.previewDataPolicy);
    expect(result.decision).toMatchObject({ decision: 'deny', policyVersion: nextVersion });
    expect(Array.isArray(result.trace)).toBe(true);
    expect(JSON.stringify(result)).not.toContain('900101-1234568');

    const draft = await gql('platform-admin', PREVIEW, { sample: FOREIGN_SAMPLE, doc: documentOf(nextVersion + 1) });
    expect(JSON.parse(draft.data.previewDataPolicy).decision.policyVersion).toBe(nextVersion + 1);
    expect(errorCodes(await gql('regulator', PREVIEW, { sample: '"text"' }))).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_SAMPLE' }]);
    expect(await superuser('select version from data_policy_versions order by version')).toEqual([{ version: nextVersion }]);
  });

  it('a tenant admin sets its own institution’s PII settings; each change is a new revision, audited', async () => {
    const first = await gql('hanbit-bank-admin', SET_PII, { settings: JSON.stringify({ card: { mode: 'block' } }) });
    expect(first.errors).toBeUndefined();
    expect(first.data.setInstitutionPiiSettings).toMatchObject({ institutionId: ids['hanbit-bank'], revision: 1 });
    expect(JSON.parse(first.data.setInstitutionPiiSettings.settingsJson)).toEqual({ card: { mode: 'block' } });

    const second = await gql('hanbit-bank-admin', SET_PII, { settings: JSON.stringify({ rrn: { mode: 'mask' } }), id: ids['hanbit-bank'] });
    expect(second.data.setInstitutionPiiSettings).toMatchObject({ institutionId: ids['hanbit-bank'], revision: 2 });
    const [stored] = await superuser('select settings, revision from institution_pii_settings where tenant_id = $1', [ids['hanbit-bank']]);
    expect(stored).toMatchObject({ settings: { rrn: { mode: 'mask' } }, revision: 2 });

    const events = (await auditRows('data-policy.pii-settings.set')).filter((event) => event.tenant_id === ids['hanbit-bank']);
    expect(events.map((event) => event.details.revision)).toEqual([1, 2]);

    const invalid = await gql('hanbit-bank-admin', SET_PII, { settings: JSON.stringify({ card: { mode: 'shout' } }) });
    expect(errorCodes(invalid)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'PII_SETTINGS_INVALID' }]);
  });

  it("a platform admin sets any institution's settings but must name it; a tenant admin never another's", async () => {
    const byAdmin = await gql('platform-admin', SET_PII, { settings: JSON.stringify({ phone: { mode: 'off' } }), id: ids['nuri-insurance'] });
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data.setInstitutionPiiSettings).toMatchObject({ institutionId: ids['nuri-insurance'], revision: 1 });

    expect(errorCodes(await gql('platform-admin', SET_PII, { settings: '{}' }))).toEqual([{ code: 'FORBIDDEN', reason: 'TENANT_SCOPE_REQUIRED' }]);
    expect(errorCodes(await gql('hanbit-bank-admin', SET_PII, { settings: '{}', id: ids['gaon-securities'] }))).toEqual([
      { code: 'FORBIDDEN', reason: 'TENANT_SCOPE_REQUIRED' },
    ]);
    expect(await superuser('select tenant_id from institution_pii_settings where tenant_id = $1', [ids['gaon-securities']])).toEqual([]);
  });

  it('reads an institution’s PII settings and classification floor: tenant admins their own, platform admins and regulators any they name', async () => {
    const READ =
      'query($id: ID) { institutionPiiSettings(institutionId: $id) { institutionId settingsJson revision } institutionClassificationFloor(institutionId: $id) { institutionId floor } }';
    await superuser('delete from institution_classification_floors where tenant_id = $1', [ids['hanbit-bank']]);
    const own = await gql('hanbit-bank-admin', READ);
    expect(own.errors).toBeUndefined();
    expect(own.data.institutionClassificationFloor).toEqual({ institutionId: ids['hanbit-bank'], floor: null });
    expect(own.data.institutionPiiSettings.institutionId).toBe(ids['hanbit-bank']);
    expect(JSON.parse(own.data.institutionPiiSettings.settingsJson)).toEqual({ rrn: { mode: 'mask' } });

    const SET_FLOOR = 'mutation($floor: DataClassification) { setInstitutionClassificationFloor(floor: $floor) { floor } }';
    expect((await gql('hanbit-bank-admin', SET_FLOOR, { floor: 'internal' })).errors).toBeUndefined();
    for (const reader of ['platform-admin', 'regulator']) {
      const named = await gql(reader, READ, { id: ids['hanbit-bank'] });
      expect(named.errors).toBeUndefined();
      expect(named.data.institutionClassificationFloor.floor).toBe('internal');
      expect(JSON.parse(named.data.institutionPiiSettings.settingsJson)).toEqual({ rrn: { mode: 'mask' } });
    }
    // Nothing set yet: an empty object at revision 0, no floor.
    await superuser('delete from institution_pii_settings where tenant_id = $1', [ids['gaon-securities']]);
    const untouched = await gql('regulator', READ, { id: ids['gaon-securities'] });
    expect(untouched.data).toEqual({
      institutionPiiSettings: { institutionId: ids['gaon-securities'], settingsJson: '{}', revision: 0 },
      institutionClassificationFloor: { institutionId: ids['gaon-securities'], floor: null },
    });

    const refusals: [string, Record<string, unknown>, { code: string; reason: string }][] = [
      ['hanbit-bank-admin', { id: ids['gaon-securities'] }, { code: 'FORBIDDEN', reason: 'TENANT_SCOPE_REQUIRED' }],
      ['platform-admin', {}, { code: 'FORBIDDEN', reason: 'TENANT_SCOPE_REQUIRED' }],
      // The GraphQL edge refuses a malformed ID before the service sees it.
      ['platform-admin', { id: 'not-a-uuid' }, { code: 'BAD_USER_INPUT', reason: 'INVALID_ID' }],
      ['platform-admin', { id: '00000000-0000-4000-8000-000000000000' }, { code: 'NOT_FOUND', reason: 'INSTITUTION_NOT_FOUND' }],
      ['hanbit-bank-analyst', {}, { code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }],
    ];
    for (const field of ['institutionPiiSettings(institutionId: $id) { revision }', 'institutionClassificationFloor(institutionId: $id) { floor }'])
      for (const [user, variables, expected] of refusals)
        expect({ user, field, codes: errorCodes(await gql(user, `query($id: ID) { ${field} }`, variables)) }).toEqual({ user, field, codes: [expected] });
    await superuser('delete from institution_classification_floors where tenant_id = $1', [ids['hanbit-bank']]);
  });

  it('refuses callers without the role, changing nothing', async () => {
    const refusals: [string, string, Record<string, unknown>][] = [
      ['regulator', PUBLISH, { doc: documentOf(nextVersion + 1) }],
      ['hanbit-bank-admin', PUBLISH, { doc: documentOf(nextVersion + 1) }],
      ['hanbit-bank-admin', VERSIONS, {}],
      ['hanbit-bank-admin', PREVIEW, { sample: FOREIGN_SAMPLE }],
      ['hanbit-bank-analyst', DATA_POLICY, {}],
      ['hanbit-bank-analyst', SET_PII, { settings: '{}' }],
      ['regulator', SET_PII, { settings: '{}', id: ids['hanbit-bank'] }],
    ];
    for (const [user, query, variables] of refusals) {
      expect({ user, query, codes: errorCodes(await gql(user, query, variables)) }).toEqual({
        user,
        query,
        codes: [{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }],
      });
    }
    expect(await superuser('select version from data_policy_versions order by version')).toEqual([{ version: nextVersion }]);
    expect((await superuser('select revision from institution_pii_settings where tenant_id = $1', [ids['hanbit-bank']]))[0].revision).toBe(2);
  });
});
