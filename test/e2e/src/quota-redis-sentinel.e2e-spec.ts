// The gateway's shared quota store behind Redis Sentinel (REDIS_SENTINELS): it finds the primary
// through the Sentinels and follows a failover, as in the Valkey StatefulSet of deploy/kubernetes.
// Real redis-server processes: a primary, a replica and one Sentinel, on free ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Gateway } from '@ai-commons/gateway-server';
import { eventually, startGateway } from './support/environment';

const MASTER = 'aic-e2e-sentinel';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net
      .createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
  });
}

describe('quota store behind Redis Sentinel', () => {
  const processes: ChildProcess[] = [];
  const clients: Redis[] = [];
  let directory: string;
  let ports: { primary: number; replica: number; sentinel: number };
  let gateway: Gateway | undefined;

  const redisServer = (args: string[]) => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    processes.push(child);
    return child;
  };
  const client = (port: number) => {
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    clients.push(redis);
    return redis;
  };

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'ai-commons-sentinel-'));
    ports = { primary: await freePort(), replica: await freePort(), sentinel: await freePort() };
    const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory];
    redisServer(['--port', String(ports.primary), ...common]);
    redisServer(['--port', String(ports.replica), ...common, '--replicaof', '127.0.0.1', String(ports.primary)]);
    const sentinelConfig = path.join(directory, 'sentinel.conf');
    writeFileSync(
      sentinelConfig,
      [
        `port ${ports.sentinel}`,
        'bind 127.0.0.1',
        `dir ${directory}`,
        `sentinel monitor ${MASTER} 127.0.0.1 ${ports.primary} 1`,
        `sentinel down-after-milliseconds ${MASTER} 1000`,
        `sentinel failover-timeout ${MASTER} 5000`,
        '',
      ].join('\n'),
    );
    redisServer([sentinelConfig, '--sentinel']);
    const sentinel = client(ports.sentinel);
    // The Sentinel learns the replica from the primary's INFO.
    await eventually(async () => ((await sentinel.call('SENTINEL', 'REPLICAS', MASTER).catch(() => [])) as unknown[]).length === 1, 20_000);
  }, 30_000);

  afterAll(async () => {
    await gateway?.close();
    for (const redis of clients) redis.disconnect();
    for (const child of processes) child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  });

  it("connects to the primary the Sentinel names (not the url's host) and follows a failover", async () => {
    // REDIS_URL's host is unreachable on purpose: only the Sentinel can lead the gateway to Redis.
    gateway = await startGateway({
      QUOTA_STORE: 'redis',
      REDIS_URL: 'redis://unreachable.invalid:1/0',
      REDIS_SENTINELS: `127.0.0.1:${ports.sentinel}`,
      REDIS_SENTINEL_MASTER: MASTER,
      QUOTA_REDIS_PREFIX: 'aic:e2e:sentinel',
      AUDIT_SEQUENCER_ENABLED: 'false',
    });
    expect(gateway.quota.store.kind).toBe('redis');
    const store = gateway.quota.store as unknown as { redis: Redis };
    await store.redis.set('aic:e2e:sentinel:before', '1');
    expect(await client(ports.primary).get('aic:e2e:sentinel:before')).toBe('1');

    await client(ports.sentinel).call('SENTINEL', 'FAILOVER', MASTER);
    const replica = client(ports.replica);
    await eventually(async () => ((await replica.call('ROLE')) as [string])[0] === 'master', 20_000);
    // Writes land on the new primary once the store has followed the Sentinel.
    await eventually(
      async () =>
        (await store.redis.set('aic:e2e:sentinel:after', '2').then(
          () => true,
          () => false,
        )) && (await replica.get('aic:e2e:sentinel:after')) === '2',
      20_000,
    );
  }, 60_000);
});
