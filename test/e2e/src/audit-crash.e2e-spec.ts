import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase, startControlPlane } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { startGatewayProcess, type GatewayProcess } from './support/audit-support';

const CONCURRENCY = 48;
const LOAD_AFTER_FIRST_ANSWER_MS = 2_000;

/**
 * The gateway answers a request only after its admission record has committed (group commit,
 * overlapped with the upstream call). So killing it with SIGKILL in the middle of heavy traffic
 * may lose completion records, never the record of a request that got an answer.
 */
describe('kill -9 of the gateway under load', () => {
  let simulator: SimulatorProcess;
  let gateway: GatewayProcess;
  let apiKey: string;

  beforeAll(async () => {
    await (await startControlPlane()).close(); // seeds the demo institutions
    simulator = await startSimulatorProcess(['--models', 'sim-llama', '--ttft-ms', '20', '--output-tokens', '4']);
    await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'crash-llama', upstreamUrl: simulator.url, upstreamModel: 'sim-llama' });
    apiKey = (await createApiKeyFixture('hanbit-bank')).secret;
    gateway = await startGatewayProcess(e2eDatabase(), { AUDIT_SEQUENCER_ENABLED: 'false' });
  });
  afterAll(async () => {
    if (gateway?.process.exitCode === null && gateway.process.signalCode === null) gateway.process.kill('SIGKILL');
    await simulator?.stop();
  });

  it('leaves no 2xx response without a committed admission record', async () => {
    const run = randomBytes(4).toString('hex');
    const answered: string[] = [];
    const sent: string[] = [];
    let failures = 0;
    let stop = false;
    let firstAnswer: () => void;
    const firstAnswered = new Promise<void>((resolve) => (firstAnswer = resolve));
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const body = JSON.stringify({ model: 'crash-llama', messages: [{ role: 'user', content: 'kill -9 test' }] });

    const request = (requestId: string) =>
      new Promise<void>((resolve) => {
        const req = http.request(
          `${gateway.url}/v1/chat/completions`,
          { method: 'POST', agent, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-request-id': requestId } },
          (res) => {
            // The status line is what the client learns first: a 2xx here counts as answered.
            if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
              answered.push(requestId);
              firstAnswer();
            } else failures++;
            res.on('data', () => undefined);
            res.on('end', resolve);
            res.on('error', () => resolve());
            res.on('aborted', () => resolve());
          },
        );
        req.on('error', () => {
          failures++;
          resolve();
        });
        req.end(body);
      });

    const workers = Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = 0; !stop; i++) {
        const requestId = `crash-${run}-${worker}-${i}`;
        sent.push(requestId);
        await request(requestId);
      }
    });

    await firstAnswered;
    await new Promise((resolve) => setTimeout(resolve, LOAD_AFTER_FIRST_ANSWER_MS));
    stop = true; // no new requests; those in flight are cut off by the kill
    gateway.process.kill('SIGKILL');
    expect(await gateway.exited).toBe('SIGKILL');
    await Promise.all(workers);
    agent.destroy();

    const [admitted, completed] = await withPg(e2eDatabase().superuserUrl, async (client) => {
      const rows = async (action: string) =>
        new Set(
          (await client.query(`select request_id from audit_events where action = $1 and request_id like $2`, [action, `crash-${run}-%`])).rows.map(
            (row) => row.request_id as string,
          ),
        );
      return [await rows('gateway.request.admitted'), await rows('gateway.request.completed')];
    });
    const unrecorded = answered.filter((requestId) => !admitted.has(requestId));
    const served = (await simulator.stats()).served.total;

    // Enough traffic for the kill to land in the middle of it.
    expect(answered.length).toBeGreaterThan(100);
    expect(unrecorded).toEqual([]);
    // Every admission record is of a request that was sent; completions only of admitted ones.
    expect([...admitted].every((requestId) => sent.includes(requestId))).toBe(true);
    expect([...completed].every((requestId) => admitted.has(requestId))).toBe(true);
    // The simulator served every answered request, and at most the requests in flight at the kill
    // more than were admitted (an upstream call overlaps its admission's commit).
    expect(served).toBeGreaterThanOrEqual(answered.length);
    expect(served - admitted.size).toBeLessThanOrEqual(CONCURRENCY);
    process.stdout.write(
      `kill -9 under load: ${sent.length} sent, ${answered.length} answered 2xx, ${admitted.size} admission records, ` +
        `${completed.size} completion records, ${served} served by the simulator, ${failures} failed or cut off\n`,
    );
  });
});
