import { AdvisoryLockLeadership, leadershipLockKey } from '@ai-commons/database';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';

/** A job that records when it runs, as the control plane's periodic work would. */
function recordingJob() {
  const job = {
    running: false,
    starts: 0,
    stops: 0,
    start: () => void ((job.running = true), job.starts++),
    stop: () => void ((job.running = false), job.stops++),
  };
  return job;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe('advisory-lock leadership (real PostgreSQL)', () => {
  const timing = { retryMs: 200, checkMs: 100 };
  const replicas: AdvisoryLockLeadership[] = [];
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.stop()));
  });

  const replica = (name: string, job: ReturnType<typeof recordingJob>) => {
    const leadership = new AdvisoryLockLeadership({ connectionString: e2eDatabase().appUrl, name, ...timing }, job);
    replicas.push(leadership);
    leadership.start();
    return leadership;
  };

  it('runs the job in one replica of three, and hands it over when the leader stops', async () => {
    const jobs = [recordingJob(), recordingJob(), recordingJob()];
    const leaders = jobs.map((job) => replica('test-job-a', job));
    await until(() => jobs.some((job) => job.running), 2_000);
    await new Promise((resolve) => setTimeout(resolve, 600)); // several retry rounds: still one leader
    expect(jobs.filter((job) => job.running)).toHaveLength(1);
    const first = jobs.findIndex((job) => job.running);
    await leaders[first]!.stop();
    expect(jobs[first]!.running).toBe(false);
    const handOver = await until(() => jobs.some((job) => job.running), 2_000);
    expect(handOver).toBeLessThan(timing.retryMs + 500);
    expect(jobs.filter((job) => job.running)).toHaveLength(1);
  });

  it('stops the job when its lock connection dies, and another replica takes the work over', async () => {
    const [a, b] = [recordingJob(), recordingJob()];
    replica('test-job-b', a);
    await until(() => a.running, 2_000);
    replica('test-job-b', b);
    const [, key2] = leadershipLockKey('test-job-b');
    // The server ends the leader's session (as it does when the leader's process dies).
    await withPg(e2eDatabase().superuserUrl, (pg) =>
      pg.query(
        `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and objid = ($1::bigint & 4294967295)::oid and granted
                                         and database = (select oid from pg_database where datname = current_database())`,
        [key2],
      ),
    );
    await until(() => !a.running, 2_000);
    await until(() => b.running || a.running, 2_000);
    expect([a.running, b.running].filter(Boolean)).toHaveLength(1);
    expect(a.stops).toBe(1);
  });

  it('different jobs have different leaders independently', async () => {
    const [x, y] = [recordingJob(), recordingJob()];
    replica('test-job-x', x);
    replica('test-job-y', y);
    await until(() => x.running && y.running, 2_000);
  });
});
