import {
  CLASSIFICATIONS,
  classificationRank,
  confirmationStatus,
  evaluatePolicy,
  type Classification,
  type Hosting,
  type NetworkZone,
} from '@ai-commons/policy';
import { fail, pass, type IsolationCheck, type RunContext } from './check';
import { confirmationOf, placementProblem } from './endpoint-placement';

interface EndpointRow {
  tenant_id: string;
  slug: string;
  ceiling: string;
  id: string;
  name: string;
  state: string;
  isolation_mode: string;
  /** Its targets' (replicas') URLs. */
  upstream_urls: string[];
  upstream_model: string;
  credential_fingerprint: string | null;
  hosting: string;
  region: string;
  network_zone: string;
  authority_confirmation_ref: string | null;
  authority_confirmation_expires_at: Date | null;
  offering_id: string;
}

function loadEndpoints(context: RunContext): Promise<EndpointRow[]> {
  return context.asSystem((tx) =>
    tx.query(`
      select e.tenant_id, i.slug, i.data_classification_ceiling as ceiling, e.id, e.name, e.state, e.isolation_mode,
             array(select t.url from endpoint_targets t where t.tenant_id = e.tenant_id and t.endpoint_id = e.id order by t.url) as upstream_urls,
             e.upstream_model, e.credential_fingerprint, e.offering_id,
             o.hosting, o.region, o.network_zone, o.authority_confirmation_ref, o.authority_confirmation_expires_at
      from endpoints e join model_offerings o on o.id = e.offering_id join institutions i on i.id = e.tenant_id
      where e.state <> 'retired' order by i.slug, e.name`),
  );
}

const endpointRef = (row: EndpointRow) => ({ institution: row.slug, endpoint: row.name, id: row.id });

export const dedicatedEndpoints: IsolationCheck = {
  id: 'endpoints.dedicated',
  title: 'A dedicated endpoint serves exactly one institution',
  concern: 'other-members',
  method:
    "For every non-retired endpoint in isolation mode `dedicated`, looks for any other institution's endpoint with a target (replica) on the same upstream URL and model: there must be none.",
  async run(context) {
    const rows = await loadEndpoints(context);
    const dedicated = rows.filter((row) => row.isolation_mode === 'dedicated');
    const shared = dedicated
      .map((row) => ({
        ...endpointRef(row),
        upstream: row.upstream_urls.map((url) => `${url}#${row.upstream_model}`),
        alsoServes: rows
          .filter(
            (other) =>
              other.tenant_id !== row.tenant_id &&
              other.upstream_model === row.upstream_model &&
              other.upstream_urls.some((url) => row.upstream_urls.includes(url)),
          )
          .map(endpointRef),
      }))
      .filter((row) => row.alsoServes.length > 0);
    const evidence = { dedicatedEndpoints: dedicated.map(endpointRef), violations: shared };
    return shared.length
      ? fail(`${shared.length} dedicated endpoints share their upstream with another institution`, evidence)
      : pass(`${dedicated.length} dedicated endpoints each serve one institution only`, evidence);
  },
};

export const credentialSharing: IsolationCheck = {
  id: 'endpoints.credential-sharing',
  title: 'No two institutions share upstream credentials',
  concern: 'other-members',
  method:
    'Groups non-retired endpoints by `credential_fingerprint` (a keyed fingerprint of the upstream credential, never the credential): no fingerprint may belong to two institutions.',
  async run(context) {
    const rows = (await loadEndpoints(context)).filter((row) => row.credential_fingerprint !== null);
    const byFingerprint = new Map<string, EndpointRow[]>();
    for (const row of rows) byFingerprint.set(row.credential_fingerprint!, [...(byFingerprint.get(row.credential_fingerprint!) ?? []), row]);
    const shared = [...byFingerprint.entries()]
      .filter(([, group]) => new Set(group.map((row) => row.tenant_id)).size > 1)
      .map(([fingerprint, group]) => ({ fingerprint: `${fingerprint.slice(0, 12)}…`, endpoints: group.map(endpointRef) }));
    const evidence = { endpointsWithCredentials: rows.length, distinctCredentials: byFingerprint.size, shared };
    return shared.length
      ? fail(
          `${shared.length} upstream credentials are shared between institutions: ${shared.map((group) => group.endpoints.map((e) => `${e.institution}/${e.endpoint}`).join(' & ')).join('; ')}`,
          evidence,
        )
      : pass(`${rows.length} endpoint credentials, ${byFingerprint.size} distinct, none shared between institutions`, evidence);
  },
};

const SENSITIVE: Classification[] = ['confidential', 'personal-credit'];

export const sensitiveDataLocalisation: IsolationCheck = {
  id: 'endpoints.sensitive-data-localisation',
  title: 'Endpoints that may receive confidential or personal credit data are in the country and in the internal network zone',
  concern: 'data-localisation',
  method:
    "For every non-retired endpoint and each sensitive classification up to its institution's ceiling, evaluates the data-handling policy in force. " +
    'If the policy lets personal credit data reach an endpoint outside the home region or the internal zone, or confidential data reach one abroad or on the ' +
    'internet without a current authority confirmation, the check fails. It also reads the audit log for admitted confidential or personal credit requests ' +
    'to such endpoints in the last 30 days (must be none). Routes that only the policy closes are listed.',
  async run(context) {
    const rows = await loadEndpoints(context);
    const violations: Record<string, unknown>[] = [];
    const closedByPolicy: Record<string, unknown>[] = [];
    let evaluated = 0;
    const misplaced = new Map<string, Map<Classification, string>>();
    for (const row of rows) {
      const ceiling = (CLASSIFICATIONS as readonly string[]).includes(row.ceiling) ? (row.ceiling as Classification) : 'public';
      for (const classification of SENSITIVE) {
        const problem = placementProblem(classification, row, context.policy.homeRegion, context.now);
        if (!problem) continue;
        misplaced.set(row.id, (misplaced.get(row.id) ?? new Map()).set(classification, problem));
        if (classificationRank(classification) > classificationRank(ceiling)) continue;
        evaluated++;
        const decision = evaluatePolicy(
          context.policy,
          {
            classification,
            institutionCeiling: ceiling,
            endpoint: {
              hosting: row.hosting as Hosting,
              region: row.region,
              networkZone: row.network_zone as NetworkZone,
              authorityConfirmation: confirmationOf(row),
            },
          },
          context.now,
        );
        const entry = {
          ...endpointRef(row),
          classification,
          problem,
          policyVersion: context.policy.version,
          decision: decision.decision,
          ruleId: decision.ruleId,
        };
        if (decision.decision !== 'deny') violations.push(entry);
        else closedByPolicy.push(entry);
      }
    }
    const admitted: { endpoint_id: string; data_classification: Classification; requests: number; last: Date }[] = misplaced.size
      ? await context.asSystem((tx) =>
          tx.query(
            `select resource_id as endpoint_id, data_classification, count(*)::int as requests, max(occurred_at) as last
             from audit_events
             where action = 'gateway.request.admitted' and resource_type = 'endpoint' and resource_id = any($1)
               and data_classification in ('confidential', 'personal-credit') and occurred_at > $2::timestamptz - interval '30 days'
             group by resource_id, data_classification`,
            [[...misplaced.keys()], context.now],
          ),
        )
      : [];
    const received = admitted
      .filter((row) => misplaced.get(row.endpoint_id)?.has(row.data_classification))
      .map((row) => {
        const endpoint = rows.find((candidate) => candidate.id === row.endpoint_id)!;
        return {
          ...endpointRef(endpoint),
          classification: row.data_classification,
          requests: row.requests,
          last: new Date(row.last).toISOString(),
          problem: misplaced.get(row.endpoint_id)!.get(row.data_classification),
        };
      });
    const evidence = {
      homeRegion: context.policy.homeRegion,
      policyVersion: context.policy.version,
      endpoints: rows.length,
      routesEvaluated: evaluated,
      violations,
      receivedInLast30Days: received,
      closedByPolicy,
    };
    if (violations.length || received.length) {
      return fail(
        `${violations.length} routes let confidential or personal credit data reach endpoints abroad or outside the separated network under policy v${context.policy.version}; ` +
          `${received.length} such endpoints received it in the last 30 days`,
        evidence,
      );
    }
    return pass(
      `No confidential or personal credit data may reach an endpoint abroad or outside the separated network (${rows.length} endpoints; ${closedByPolicy.length} such routes closed by policy v${context.policy.version}); none was received in the last 30 days`,
      evidence,
    );
  },
};

export const authorityConfirmation: IsolationCheck = {
  id: 'endpoints.authority-confirmation',
  title: 'Cloud offerings in use have a current confirmation from the financial authority',
  concern: 'network-separation',
  method:
    "For every model offering with hosting `cloud-commercial` that a non-retired endpoint uses, the authority confirmation (망분리 예외 확인) must have a reference and not have expired at the run's time.",
  async run(context) {
    const rows = (await loadEndpoints(context)).filter((row) => row.hosting === 'cloud-commercial');
    const offerings = new Map<
      string,
      { offeringId: string; region: string; reference: string | null; expiresAt: string | null; status: string; endpoints: ReturnType<typeof endpointRef>[] }
    >();
    for (const row of rows) {
      const status = confirmationStatus(confirmationOf(row), context.now);
      const entry = offerings.get(row.offering_id) ?? {
        offeringId: row.offering_id,
        region: row.region,
        reference: row.authority_confirmation_ref,
        expiresAt: row.authority_confirmation_expires_at?.toISOString() ?? null,
        status,
        endpoints: [],
      };
      entry.endpoints.push(endpointRef(row));
      offerings.set(row.offering_id, entry);
    }
    const lacking = [...offerings.values()].filter((offering) => offering.status !== 'current');
    const evidence = { cloudOfferingsInUse: [...offerings.values()], lacking: lacking.map((offering) => offering.offeringId) };
    return lacking.length
      ? fail(`${lacking.length} cloud offerings in use lack a current authority confirmation`, evidence)
      : pass(`${offerings.size} cloud offerings in use, each with a current authority confirmation`, evidence);
  },
};
