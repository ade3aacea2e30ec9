import fc from 'fast-check';
import { parseHostPortList } from './host-port-list';

describe('parseHostPortList (REDIS_SENTINELS)', () => {
  it('reads names, IPv4 and bracketed IPv6 addresses with their ports', () => {
    expect(parseHostPortList('valkey-0.valkey-headless.ai-commons-data.svc:26379, 10.0.0.7:26379,,[::1]:26380')).toEqual({
      entries: [
        { host: 'valkey-0.valkey-headless.ai-commons-data.svc', port: 26379 },
        { host: '10.0.0.7', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      problems: [],
    });
  });

  it.each([
    ['', 'lists no host:port'],
    [' , ', 'lists no host:port'],
    ['sentinel', 'is not host:port'],
    ['sentinel:', 'the port must be'],
    [':26379', 'is not host:port'],
    ['sentinel:0', 'the port must be'],
    ['sentinel:65536', 'the port must be'],
    ['sentinel:26379x', 'the port must be'],
    ['sen tinel:26379', 'is not host:port'],
    ['redis://sentinel:26379', 'is not host:port'],
    ['::1:26379', 'is not host:port'],
    [Array.from({ length: 17 }, (_, i) => `s${i}:26379`).join(','), 'at most 16'],
  ])('refuses %j', (text, problem) => {
    const result = parseHostPortList(text);
    expect(result.entries).toEqual([]);
    expect(result.problems.join('\n')).toContain(problem);
  });

  it('never throws and returns either entries or problems, bounded (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const { entries, problems } = parseHostPortList(text);
        expect(entries.length === 0 || problems.length === 0).toBe(true);
        expect(entries.length).toBeLessThanOrEqual(16);
        for (const entry of entries) expect(entry.port >= 1 && entry.port <= 65_535 && entry.host.length > 0).toBe(true);
      }),
    );
  });
});
