// A NetworkPolicy evaluator (networking.k8s.io/v1 semantics) over rendered manifests: decides whether
// a connection from a pod to a pod or an outside address is allowed. A connection needs both the
// source's egress and the destination's ingress; a side no policy selects (for that direction) is
// open, a selected side allows only what the union of its selecting policies' rules allows.
// Limits, on purpose: pods have no IP here, so an ipBlock matches outside addresses only (pod and
// service CIDRs should never be named in ipBlocks anyway), and SCTP is treated like any protocol.

export type Labels = Readonly<Record<string, string>>;

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
export interface PolicyRule {
  to?: PolicyPeer[];
  from?: PolicyPeer[];
  ports?: PolicyPort[];
}

export interface NetworkPolicy {
  metadata: { name: string; namespace: string };
  spec: { podSelector: LabelSelector; policyTypes?: ('Ingress' | 'Egress')[]; ingress?: PolicyRule[]; egress?: PolicyRule[] };
}

export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** Named container ports (for policies that name a port). */
  readonly namedPorts?: Readonly<Record<string, number>>;
}

export interface ExternalAddress {
  readonly ip: string;
}
export type Destination = Pod | ExternalAddress;
export interface Connection {
  readonly from: Pod;
  readonly to: Destination;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    if (operator === 'In' && !(has && values.includes(labels[key]!))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key]!)) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** Whether an IPv4 address lies in a CIDR (an IPv6 CIDR never matches an IPv4 address). */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const network = ipv4ToNumber(base ?? '');
  const address = ipv4ToNumber(ip);
  const prefix = Number(bits);
  if (network === undefined || address === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return false;
  const size = 2 ** (32 - prefix);
  return Math.floor(address / size) === Math.floor(network / size);
}

const isPod = (destination: Destination): destination is Pod => 'namespace' in destination;
const policyTypes = (policy: NetworkPolicy) => policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);

export class NetworkPolicyEvaluator {
  constructor(
    private readonly policies: readonly NetworkPolicy[],
    /** Namespace labels by name (kubernetes.io/metadata.name is added by the API server, and here). */
    private readonly namespaces: ReadonlyMap<string, Labels>,
  ) {}

  allowed(connection: Connection): boolean {
    return this.egressAllowed(connection) && (!isPod(connection.to) || this.ingressAllowed(connection));
  }

  private selecting(pod: Pod, direction: 'Ingress' | 'Egress'): NetworkPolicy[] {
    return this.policies.filter(
      (policy) =>
        policy.metadata.namespace === pod.namespace && selectorMatches(policy.spec.podSelector, pod.labels) && policyTypes(policy).includes(direction),
    );
  }

  private egressAllowed({ from, to, port, protocol = 'TCP' }: Connection): boolean {
    const policies = this.selecting(from, 'Egress');
    if (policies.length === 0) return true;
    return policies.some((policy) =>
      (policy.spec.egress ?? []).some(
        (rule) => this.peersMatch(rule.to, policy.metadata.namespace, to) && portsMatch(rule.ports, port, protocol, isPod(to) ? to : undefined),
      ),
    );
  }

  private ingressAllowed({ from, to, port, protocol = 'TCP' }: Connection): boolean {
    const destination = to as Pod;
    const policies = this.selecting(destination, 'Ingress');
    if (policies.length === 0) return true;
    return policies.some((policy) =>
      (policy.spec.ingress ?? []).some(
        (rule) => this.peersMatch(rule.from, policy.metadata.namespace, from) && portsMatch(rule.ports, port, protocol, destination),
      ),
    );
  }

  /** Absent or empty peers: everything. */
  private peersMatch(peers: PolicyPeer[] | undefined, policyNamespace: string, peer: Destination): boolean {
    if (!peers || peers.length === 0) return true;
    return peers.some((candidate) => this.peerMatches(candidate, policyNamespace, peer));
  }

  private peerMatches(peer: PolicyPeer, policyNamespace: string, target: Destination): boolean {
    if (peer.ipBlock) {
      if (isPod(target)) return false;
      return cidrContains(peer.ipBlock.cidr, target.ip) && !(peer.ipBlock.except ?? []).some((cidr) => cidrContains(cidr, target.ip));
    }
    if (!isPod(target)) return false;
    if (peer.namespaceSelector) {
      const labels = this.namespaces.get(target.namespace) ?? { 'kubernetes.io/metadata.name': target.namespace };
      return selectorMatches(peer.namespaceSelector, labels) && selectorMatches(peer.podSelector, target.labels);
    }
    return target.namespace === policyNamespace && selectorMatches(peer.podSelector, target.labels);
  }
}

function portsMatch(ports: PolicyPort[] | undefined, port: number, protocol: string, destination: Pod | undefined): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((candidate) => {
    if ((candidate.protocol ?? 'TCP') !== protocol) return false;
    if (candidate.port === undefined) return true;
    const number = typeof candidate.port === 'number' ? candidate.port : destination?.namedPorts?.[candidate.port];
    if (number === undefined) return false;
    return candidate.endPort === undefined ? port === number : port >= number && port <= candidate.endPort;
  });
}
