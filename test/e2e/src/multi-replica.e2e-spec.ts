import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase, eventuallyValue } from './support/environment';
import { startCluster, type Cluster } from './support/cluster';
import { createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { createPoolFixture } from './support/quota-fixtures';

const SLUGS = ['hanbit-bank', 'nuri-insurance', 'gaon-securities'] as const;
/** The periodic jobs of the control plane, each under its own advisory-lock leadership. */
const JOBS = ['isolation-schedule', 'endpoint-health-probe', 'usage-partitions'] as const;
/** Stated hand-over bound with the cluster's LEADERSHIP_RETRY_MS=500: the server frees the lock when the process dies, a follower retries within 500 ms. */
const HANDOVER_BOUND_MS = 3_000;
const QUOTA_RPM = 30;
/** The cluster's GATEWAY_INSTANCE_DEAD_AFTER_MS; recovery follows within a recovery interval and a leadership retry. */
const DEAD_AFTER_MS = 2_000;
// The deployment's preStop pause (5 s there, deploy/kubernetes/base/gateway.yaml), shortened: long enough for
// connects already under way to the old gateway to be accepted.
const PRE_STOP_PAUSE_MS = 500;
/** The control planes' ISOLATION_RUN_SWEEP_MS: a run the killed leader was executing is closed by the survivor within a sweep. */
const RUN_SWEEP_MS = 500;

type Answer = { status: number } | { error: string; sent: boolean };

/**
 * One request on a fresh connection (no keep-alive: a reused socket closed by a stopping server is
 * a failure after sending, not a refusal). `sent` tells whether the connection was ever made.
 */
function post(url: string, apiKey: string, model: string, requestId: string): Promise<Answer> {
  return new Promise((resolve) => {
    let connected = false;
    const req = http.request(
      `${url}/v1/chat/completions`,
      { method: 'POST', agent: false, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-request-id': requestId } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (error) => resolve({ error: error.message, sent: true }));
      },
    );
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, sent: connected || error.code !== 'ECONNREFUSED' }));
    req.end(JSON.stringify({ model, messages: [{ role: 'user', content: 'replica test' }], max_tokens: 4 }));
  });
}

const sql = <T = Record<string, unknown>>(text: string, parameters: unknown[] = []) =>
  withPg(e2eDatabase().superuserUrl, async (pg) => (await pg.query(text, parameters)).rows as T[]);

/** Who holds each job's leadership lock: the pid in the lock connection's application_name. */
async function leaders(): Promise<Record<string, number[]>> {
  const rows = await sql<{ application_name: string }>(
    `select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and a.application_name like 'ai-commons-leader-%'
        and l.database = (select oid from pg_database where datname = current_database())`,
  );
  const holders: Record<string, number[]> = {};
  for (const { application_name } of rows) {
    const [, job, pid] = /^ai-commons-leader-(.+)-(\d+)$/.exec(application_name)!;
    (holders[job!] ??= []).push(Number(pid));
  }
  return holders;
}

const sequencerHolders = async () =>
  (
    await sql<{
      n: number;
    }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and granted and classid = x'61756469'::int::oid and objid = 1 and objsubid = 2
                                       and database = (select oid from pg_database where datname = current_database())`)
  )[0]!.n;

describe('several replicas: 2 control planes, 3 gateways, one PostgreSQL, one Redis', () => {
  let cluster: Cluster;
  const run = randomBytes(3).toString('hex');
  const quotaModel = `mr-quota-${run}`;
  const loadModel = `mr-load-${run}`;
  const keys = {} as Record<(typeof SLUGS)[number], string>;

  beforeAll(async () => {
    cluster = await startCluster(e2eDatabase(), {
      redisPrefix: `aic:e2e:replicas:${run}`,
      controlPlaneEnv: {
        ISOLATION_SCHEDULE_MS: '2000',
        ISOLATION_RUN_SWEEP_MS: String(RUN_SWEEP_MS),
        CATALOG_HEALTH_PROBE_INTERVAL_MS: '1000',
        AUDIT_SEQUENCER_INTERVAL_MS: '100',
      },
      // Usage recovery on a short fuse: a gateway silent for 2 s is dead, checked every 250 ms.
      gatewayEnv: {
        AUDIT_SEQUENCER_INTERVAL_MS: '100',
        GATEWAY_INSTANCE_HEARTBEAT_MS: '250',
        GATEWAY_INSTANCE_DEAD_AFTER_MS: String(DEAD_AFTER_MS),
        GATEWAY_USAGE_RECOVERY_MS: '250',
      },
    });
    const quotaEndpoints: string[] = [];
    for (const slug of SLUGS) {
      keys[slug] = (await createApiKeyFixture(slug)).secret;
      quotaEndpoints.push(
        (await createEndpointFixture({ tenantSlug: slug, name: quotaModel, upstreamUrl: cluster.simulator.url, upstreamModel: 'sim-llama' })).id,
      );
    }
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: loadModel, upstreamUrl: cluster.simulator.url, upstreamModel: 'sim-llama' });
    await createPoolFixture({
      capacity: { tokensPerMinute: 10_000_000, requestsPerMinute: QUOTA_RPM, concurrentRequests: 100 },
      headroom: 0.1,
      endpointIds: quotaEndpoints,
      members: SLUGS.map((slug) => ({ slug })),
    });
    // Every gateway has loaded the new endpoints, keys and pool (change notifications).
    for (const gateway of cluster.gateways) {
      await eventuallyValue(
        async () => ('status' in (await post(gateway.url, keys['hanbit-bank'], loadModel, `warm-${run}`)) ? true : false),
        30_000,
        'gateway routes the new endpoint',
      );
    }
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs each periodic job, and the audit sequencer, in exactly one replica — a control plane', async () => {
    const controlPlanePids = cluster.controlPlanes.map((child) => child.process.pid!);
    const holders = await eventuallyValue(
      async () => {
        const current = await leaders();
        return JOBS.every((job) => current[job]?.length === 1) && current;
      },
      15_000,
      'every job has a leader',
    );
    for (const job of JOBS) expect(controlPlanePids).toContain(holders[job]![0]);
    expect(await sequencerHolders()).toBe(1);
  });

  it('holds the quota across the three gateways: admitted requests in the minute ≤ the pool capacity', async () => {
    const answers = await Promise.all(
      Array.from({ length: 3 * QUOTA_RPM }, (_, i) => post(cluster.gateways[i % 3]!.url, keys[SLUGS[Math.floor(i / 3) % 3]!], quotaModel, `quota-${run}-${i}`)),
    );
    const statuses = answers.map((answer) => ('status' in answer ? answer.status : 0));
    const admitted = statuses.filter((status) => status === 200).length;
    // The documented bound of the Redis store (libs/domain/quota README): every sliding minute ≤ capacity, the store adds 0.
    expect(admitted).toBeLessThanOrEqual(QUOTA_RPM);
    expect(admitted).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 429).length).toBe(statuses.length - admitted);
  });

  it('runs one scheduled isolation verification at a time', async () => {
    const runs = await eventuallyValue(
      async () => {
        const rows = await sql<{ started_at: Date; finished_at: Date | null }>(
          `select started_at, finished_at from isolation_runs where trigger = 'schedule' order by started_at`,
        );
        return rows.filter((row) => row.finished_at).length >= 2 && rows;
      },
      40_000,
      'two scheduled runs',
    );
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finished_at!.getTime());
  }, 60_000);

  it(`moves the periodic work to the other control plane within ${HANDOVER_BOUND_MS} ms when the leader is killed (SIGKILL)`, async () => {
    const before = await leaders();
    const leaderPid = before['isolation-schedule']![0]!;
    const leader = cluster.controlPlanes.find((child) => child.process.pid === leaderPid)!;
    const follower = cluster.controlPlanes.find((child) => child !== leader)!;
    const killedAt = Date.now();
    leader.process.kill('SIGKILL');
    await eventuallyValue(
      async () => {
        const current = await leaders();
        return JOBS.every((job) => current[job]?.length === 1 && current[job]![0] === follower.process.pid) && current;
      },
      HANDOVER_BOUND_MS + 2_000,
      'hand-over',
    );
    const handOverMs = Date.now() - killedAt;
    process.stdout.write(`leader killed: every job led by the other control plane after ${handOverMs} ms\n`);
    expect(handOverMs).toBeLessThanOrEqual(HANDOVER_BOUND_MS);
    // The sequencer too: one holder again (its own retry is 2 s).
    await eventuallyValue(async () => (await sequencerHolders()) === 1, 5_000, 'sequencer lock');
    // A scheduled run the leader was in the middle of (if it was) is closed as interrupted by the survivor's sweep.
    const leftRunning = async () =>
      (await sql<{ id: string }>(`select id from isolation_runs where status = 'running' and owner like $1`, [`%:${leaderPid}`])).map((row) => row.id);
    const interrupted = await leftRunning();
    await eventuallyValue(async () => (await leftRunning()).length === 0, RUN_SWEEP_MS + 2_000, "the killed leader's run closed");
    for (const id of interrupted) {
      const [closed] = await sql<{ status: string; code: string }>(`select status, summary->>'code' as code from isolation_runs where id = $1`, [id]);
      expect(closed).toEqual({ status: 'error', code: 'RUN_INTERRUPTED' });
    }
    process.stdout.write(`killed leader's runs left running at hand-over: ${interrupted.length}, closed by the survivor's sweep\n`);
  });

  it('loses no audit record and no charged usage when a gateway is killed under load: its usage is recovered, once per call', async () => {
    const answered = new Map<string, number>(); // request id → gateway index
    let stop = false;
    const workers = Array.from({ length: 9 }, async (_, worker) => {
      for (let i = 0; !stop; i++) {
        const gateway = worker % 3;
        const requestId = `kill-${run}-${worker}-${i}`;
        const answer = await post(cluster.gateways[gateway]!.url, keys['hanbit-bank'], loadModel, requestId);
        if ('status' in answer && answer.status === 200) answered.set(requestId, gateway);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const victim = cluster.gateways[2]!;
    victim.process.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await victim.exited).toBe('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(workers);
    cluster.gateways.splice(2, 1);

    const ids = [...answered.keys()];
    const allIds = `kill-${run}-%`;
    const usageCounts = async () =>
      new Map(
        (
          await sql<{ request_id: string; n: number }>(
            `select request_id, count(*)::int as n from usage_records where request_id like $1 group by request_id`,
            [allIds],
          )
        ).map((row) => [row.request_id, row.n]),
      );
    const killedAnswered = ids.filter((id) => answered.get(id) === 2);
    expect(killedAnswered.length).toBeGreaterThan(0);
    const beforeRecovery = await usageCounts();
    const lostBeforeRecovery = killedAnswered.filter((id) => !beforeRecovery.has(id)).length;

    // Recovery: the victim's row goes stale, the gateway leading usage-recovery writes what it owed.
    const [instance] = await eventuallyValue(
      async () => {
        const rows = await sql<{ id: string; recovered_records: number }>(
          `select id, recovered_records from gateway_instances where host like $1 and recovered_at is not null`,
          [`%:${victim.process.pid}`],
        );
        return rows.length ? rows : undefined;
      },
      DEAD_AFTER_MS + 8_000,
      'usage recovery of the killed gateway',
    );
    const recoveredAfterMs = Date.now() - killedAt;

    const admitted = await sql<{ request_id: string; call_id: string }>(
      `select request_id, details->>'callId' as call_id from audit_events where action = 'gateway.request.admitted' and request_id like $1`,
      [allIds],
    );
    const admittedIds = new Set(admitted.map((row) => row.request_id));
    // Every answered request has its admission record (durable before the answer)…
    expect(ids.filter((id) => !admittedIds.has(id))).toEqual([]);
    // …and every admitted call — answered, or cut off in flight by the kill — exactly one usage record, by call id.
    const usageByCall = new Map(
      (
        await sql<{ call_id: string; n: number; outcome: string }>(
          `select call_id::text, count(*)::int as n, min(outcome) as outcome from usage_records where request_id like $1 group by call_id`,
          [allIds],
        )
      ).map((row) => [row.call_id, row]),
    );
    expect(admitted.filter((row) => usageByCall.get(row.call_id)?.n !== 1).map((row) => row.request_id)).toEqual([]);
    const afterRecovery = await usageCounts();
    expect(ids.filter((id) => afterRecovery.get(id) !== 1)).toEqual([]);
    const recovered = [...usageByCall.values()].filter((row) => row.outcome === 'recovered').length;
    expect(recovered).toBe(instance!.recovered_records);
    expect(recovered).toBeGreaterThanOrEqual(lostBeforeRecovery);
    // The survivors' records are theirs: recovery wrote only for the killed gateway's calls.
    const recoveredRequests = await sql<{ request_id: string }>(`select request_id from usage_records where outcome = 'recovered' and request_id like $1`, [
      allIds,
    ]);
    expect(recoveredRequests.filter((row) => answered.has(row.request_id) && answered.get(row.request_id) !== 2)).toEqual([]);
    process.stdout.write(
      `gateway killed under load: ${ids.length} answered (${killedAnswered.length} by the killed one), ${admitted.length} admitted; ` +
        `${lostBeforeRecovery} answered by the killed gateway had no usage record before recovery; recovery wrote ${recovered} ` +
        `(in-flight calls included) ${recoveredAfterMs} ms after the kill; every admitted call has exactly one usage record\n`,
    );
  });

  it('fails no request that had not started during a rolling restart of every gateway under load', async () => {
    const urls = cluster.gateways.map((gateway) => gateway.url);
    const failures: string[] = [];
    let answered = 0;
    let retried = 0;
    let stop = false;
    const workers = Array.from({ length: 6 }, async (_, worker) => {
      for (let i = 0; !stop; i++) {
        // The client's only retry: connection refused before anything was sent goes to the next gateway.
        for (let attempt = 0; ; attempt++) {
          const answer = await post(urls[(worker + i + attempt) % urls.length]!, keys['hanbit-bank'], loadModel, `roll-${run}-${worker}-${i}`);
          if ('status' in answer) {
            if (answer.status === 200) answered++;
            else failures.push(`status ${answer.status}`);
            break;
          }
          if (answer.sent || attempt > 10) {
            failures.push(answer.error);
            break;
          }
          retried++;
        }
      }
    });
    // Replace every gateway, one at a time: a new one up and taking the old one's traffic, then, after
    // a pause (the deployment's preStop: the pod leaves the Service first), the old one stopped
    // (SIGTERM: it drains). Without the pause a connection still in the old one's accept queue when
    // it stops listening is reset by the kernel — what the pause is for.
    for (let index = 0; index < urls.length; index++) {
      const old = cluster.gateways[index]!;
      const replacement = await cluster.startGateway();
      urls[index] = replacement.url;
      await new Promise((resolve) => setTimeout(resolve, PRE_STOP_PAUSE_MS));
      old.process.kill('SIGTERM');
      await old.exited;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(workers);
    process.stdout.write(`rolling restart: ${answered} answered, ${retried} refused connections retried, ${failures.length} failed\n`);
    expect(answered).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    // Drained gateways wrote all their usage and said so (stopped): recovery leaves them alone, even past the dead-after time.
    await new Promise((resolve) => setTimeout(resolve, DEAD_AFTER_MS + 1_000));
    const [instances] = await sql<{ stopped: number; stopped_and_recovered: number }>(
      `select count(*) filter (where stopped_at is not null)::int as stopped,
              count(*) filter (where stopped_at is not null and recovered_at is not null)::int as stopped_and_recovered from gateway_instances`,
    );
    // At least the gateways drained here (earlier tests may have drained others): none of them recovered.
    expect(instances.stopped).toBeGreaterThanOrEqual(urls.length);
    expect(instances.stopped_and_recovered).toBe(0);
  }, 90_000);
});
