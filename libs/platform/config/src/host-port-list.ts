/** One `host:port` of a list setting (REDIS_SENTINELS). */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const MAX_ENTRIES = 16;
// A DNS name or an IPv4 address; an IPv6 address goes in brackets ([::1]:26379).
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^\[([0-9A-Fa-f:.]{2,45})\]$/;

/**
 * Parses a comma-separated list of `host:port` (at most 16; blanks between commas ignored): the
 * entries, or what is wrong with each one that is not one.
 */
export function parseHostPortList(text: string): { readonly entries: HostPort[]; readonly problems: string[] } {
  const raw = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (raw.length === 0) return { entries: [], problems: ['lists no host:port'] };
  if (raw.length > MAX_ENTRIES) return { entries: [], problems: [`lists ${raw.length} entries, at most ${MAX_ENTRIES}`] };
  const entries: HostPort[] = [];
  const problems: string[] = [];
  for (const entry of raw) {
    const colon = entry.lastIndexOf(':');
    const hostText = colon > 0 ? entry.slice(0, colon) : '';
    const portText = colon > 0 ? entry.slice(colon + 1) : '';
    const ipv6 = IPV6.exec(hostText);
    const host = ipv6 ? ipv6[1]! : hostText;
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!ipv6 && (hostText.length > 253 || !HOST.test(hostText)))
      problems.push(`"${entry.slice(0, 80)}" is not host:port (a DNS name or address, IPv6 in brackets, then a port)`);
    else if (!(port >= 1 && port <= 65_535)) problems.push(`"${entry.slice(0, 80)}": the port must be 1-65535`);
    else entries.push({ host, port });
  }
  return { entries: problems.length ? [] : entries, problems };
}
