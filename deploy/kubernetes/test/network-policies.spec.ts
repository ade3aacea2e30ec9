// Network separation (망분리), proven on the rendered NetworkPolicies of both overlays by walking
// every (source pod, destination pod, port) of the cluster model through the evaluator.
import fc from 'fast-check';
import { clusterModel } from './cluster-model';
import { NetworkPolicyEvaluator, cidrContains, selectorMatches, type NetworkPolicy, type Pod } from './network-policy-evaluator';
import { describeRendered, OVERLAYS, renderOverlay } from './rendered-manifests';

/** Ports tried between every pair of pods: every port any of them serves, DNS, and common others. */
const PORTS = [22, 53, 80, 443, 4000, 4100, 5432, 6379, 6443, 7800, 8000, 8080, 8443, 9000, 18090, 26379];
/** Addresses outside the cluster: the internet, and a private address nothing is meant to reach. */
const OUTSIDE = ['8.8.8.8', '1.1.1.1', '52.95.110.1', '203.0.113.7', '192.168.1.1'];

describe('NetworkPolicy evaluator', () => {
  const pod = (namespace: string, labels: Record<string, string>): Pod => ({ name: `${namespace}/${JSON.stringify(labels)}`, namespace, labels });
  const namespaces = new Map<string, Record<string, string>>([
    ['a', { 'kubernetes.io/metadata.name': 'a', zone: 'x' }],
    ['b', { 'kubernetes.io/metadata.name': 'b' }],
  ]);
  const policy = (namespace: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ metadata: { name: 'p', namespace }, spec });

  it('allows everything where no policy selects, and nothing under a bare default deny', () => {
    const open = new NetworkPolicyEvaluator([], namespaces);
    expect(open.allowed({ from: pod('a', {}), to: pod('b', {}), port: 1 })).toBe(true);
    expect(open.allowed({ from: pod('a', {}), to: { ip: '8.8.8.8' }, port: 443 })).toBe(true);
    const denied = new NetworkPolicyEvaluator([policy('a', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })], namespaces);
    expect(denied.allowed({ from: pod('a', {}), to: pod('b', {}), port: 1 })).toBe(false);
    expect(denied.allowed({ from: pod('b', {}), to: pod('a', {}), port: 1 })).toBe(false);
    expect(denied.allowed({ from: pod('b', {}), to: pod('b', {}), port: 1 })).toBe(true);
  });

  it('needs both the egress of the source and the ingress of the destination', () => {
    const policies = [
      policy('a', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'db' } } }], ports: [{ port: 5432 }] }],
      }),
      policy('b', {
        podSelector: { matchLabels: { role: 'db' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { zone: 'x' } } }], ports: [{ port: 'pg' }] }],
      }),
    ];
    const evaluator = new NetworkPolicyEvaluator(policies, namespaces);
    const db: Pod = { ...pod('b', { role: 'db' }), namedPorts: { pg: 5432 } };
    expect(evaluator.allowed({ from: pod('a', {}), to: db, port: 5432 })).toBe(true);
    expect(evaluator.allowed({ from: pod('a', {}), to: db, port: 5432, protocol: 'UDP' })).toBe(false);
    expect(evaluator.allowed({ from: pod('a', {}), to: db, port: 5433 })).toBe(false);
    expect(evaluator.allowed({ from: pod('b', {}), to: db, port: 5432 })).toBe(false); // b is not zone x
    expect(evaluator.allowed({ from: pod('a', {}), to: pod('b', { role: 'web' }), port: 5432 })).toBe(false);
  });

  it("scopes a bare podSelector peer to the policy's namespace, and honours matchExpressions and ipBlock except", () => {
    const evaluator = new NetworkPolicyEvaluator(
      [
        policy('a', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            { to: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['cache'] }] } }] },
            { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] },
          ],
        }),
      ],
      namespaces,
    );
    expect(evaluator.allowed({ from: pod('a', {}), to: pod('a', { tier: 'cache' }), port: 6379 })).toBe(true);
    expect(evaluator.allowed({ from: pod('a', {}), to: pod('b', { tier: 'cache' }), port: 6379 })).toBe(false);
    expect(evaluator.allowed({ from: pod('a', {}), to: { ip: '10.2.3.4' }, port: 443 })).toBe(true);
    expect(evaluator.allowed({ from: pod('a', {}), to: { ip: '10.1.3.4' }, port: 443 })).toBe(false);
    expect(evaluator.allowed({ from: pod('a', {}), to: { ip: '11.0.0.1' }, port: 443 })).toBe(false);
  });

  it('decides CIDR membership like the arithmetic says (property)', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 32 }), (a, b, prefix) => {
        const value = (ip: number[]) => ip.reduce((total, part) => total * 256 + part, 0);
        const size = 2 ** (32 - prefix);
        expect(cidrContains(`${a.join('.')}/${prefix}`, b.join('.'))).toBe(Math.floor(value(a) / size) === Math.floor(value(b) / size));
      }),
    );
    expect(cidrContains('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'DoesNotExist' }] }, { k: '' })).toBe(false);
  });
});

describeRendered('network separation (망분리) of the rendered manifests', () => {
  describe.each(OVERLAYS)('%s overlay', (overlay) => {
    const setup = () => {
      const objects = renderOverlay(overlay);
      const policies = objects.filter((object) => object.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
      const model = clusterModel(objects);
      const evaluator = new NetworkPolicyEvaluator(policies, model.namespaces);
      const pods = (predicate: (pod: Pod) => boolean) => model.pods.filter(predicate);
      const role = (name: string) => (pod: Pod) => pod.labels['ai-commons.io/role'] === name;
      const is = {
        gateway: role('gateway'),
        controlPlane: role('control-plane'),
        migrations: role('migrations'),
        modelServer: role('model-server'),
        postgres: (pod: Pod) => pod.labels['cnpg.io/cluster'] === 'ai-commons-pg',
        valkey: (pod: Pod) => pod.labels['app.kubernetes.io/name'] === 'valkey',
        keycloak: (pod: Pod) => pod.labels.app === 'keycloak',
        dns: (pod: Pod) => pod.labels['k8s-app'] === 'kube-dns',
      };
      /** Every (destination, port) a source may open a TCP or UDP connection to. */
      const reachable = (from: Pod) =>
        model.pods.flatMap((to) =>
          PORTS.flatMap((port) =>
            (['TCP', 'UDP'] as const)
              .filter((protocol) => to !== from && evaluator.allowed({ from, to, port, protocol }))
              .map((protocol) => ({ to, port, protocol })),
          ),
        );
      return { objects, policies, model, evaluator, pods, is, reachable };
    };

    it('denies all ingress and egress by default in every namespace of the platform', () => {
      const { objects, policies } = setup();
      for (const namespace of objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name)) {
        const defaultDeny = policies.find(
          (policy) =>
            policy.metadata.namespace === namespace &&
            Object.keys(policy.spec.podSelector).length === 0 &&
            ['Ingress', 'Egress'].every((type) => policy.spec.policyTypes?.includes(type as 'Ingress')) &&
            !policy.spec.ingress?.length &&
            !policy.spec.egress?.length,
        );
        expect({ namespace, defaultDeny: Boolean(defaultDeny) }).toEqual({ namespace, defaultDeny: true });
      }
    });

    it('names no 0.0.0.0/0 and no public address anywhere: nothing reaches the internet', () => {
      const { objects, policies, model, evaluator } = setup();
      const cidrs = policies
        .flatMap((policy) => [
          ...(policy.spec.egress ?? []).flatMap((rule) => rule.to ?? []),
          ...(policy.spec.ingress ?? []).flatMap((rule) => rule.from ?? []),
        ])
        .flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : []));
      for (const cidr of cidrs) {
        expect(cidr).not.toMatch(/^(0\.0\.0\.0|::)\/0$/);
        const [address = '', prefix] = cidr.split('/');
        expect({
          cidr,
          private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].some((range) => cidrContains(range, address)) && Number(prefix) >= 8,
        }).toEqual({ cidr, private: true });
      }
      const platformNamespaces = objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name);
      const platformPods = model.pods.filter((pod) => platformNamespaces.includes(pod.namespace));
      expect(platformPods.length).toBeGreaterThan(5);
      for (const from of platformPods)
        for (const ip of OUTSIDE)
          for (const port of [53, 80, 443]) {
            expect({ from: from.name, ip, port, allowed: evaluator.allowed({ from, to: { ip }, port }) }).toEqual({
              from: from.name,
              ip,
              port,
              allowed: false,
            });
          }
    });

    it('lets the gateway reach only the model servers, PostgreSQL, Redis and DNS', () => {
      const { pods, is, reachable, evaluator } = setup();
      const [gateway] = pods(is.gateway);
      const reached = reachable(gateway!);
      const strays = reached.filter(({ to }) => !(is.modelServer(to) || is.postgres(to) || is.valkey(to) || is.dns(to)));
      expect(strays.map(({ to, port }) => `${to.name}:${port}`)).toEqual([]);
      expect(reached.some(({ to, port }) => is.postgres(to) && port === 5432)).toBe(true);
      expect(reached.some(({ to, port }) => is.valkey(to) && port === 6379)).toBe(true);
      expect(reached.some(({ to, port }) => is.valkey(to) && port === 26379)).toBe(true);
      expect(reached.some(({ to, port, protocol }) => is.dns(to) && port === 53 && protocol === 'UDP')).toBe(true);
      for (const modelServer of pods(is.modelServer)) expect(evaluator.allowed({ from: gateway!, to: modelServer, port: 18090 })).toBe(true);
      for (const keycloak of pods(is.keycloak)) expect(evaluator.allowed({ from: gateway!, to: keycloak, port: 8443 })).toBe(false);
    });

    it('lets the control plane reach only PostgreSQL, Redis, Keycloak and DNS — not the model servers', () => {
      const { pods, is, reachable, evaluator } = setup();
      const [controlPlane] = pods(is.controlPlane);
      const reached = reachable(controlPlane!);
      const strays = reached.filter(({ to }) => !(is.postgres(to) || is.valkey(to) || is.keycloak(to) || is.dns(to)));
      expect(strays.map(({ to, port }) => `${to.name}:${port}`)).toEqual([]);
      expect(reached.some(({ to, port }) => is.keycloak(to) && port === 8443)).toBe(true);
      expect(reached.some(({ to, port }) => is.postgres(to) && port === 5432)).toBe(true);
      for (const modelServer of pods(is.modelServer))
        for (const port of PORTS) expect(evaluator.allowed({ from: controlPlane!, to: modelServer, port })).toBe(false);
    });

    it('gives model servers no egress at all, and only the gateway reaches them', () => {
      const { pods, is, reachable, model, evaluator, policies } = setup();
      // The production overlay has none yet: check a model server as an institution would add one.
      const modelServers = [
        ...pods(is.modelServer),
        { name: 'institution-model', namespace: 'ai-commons-models', labels: { 'ai-commons.io/role': 'model-server' } },
      ];
      for (const modelServer of modelServers) {
        expect(reachable(modelServer)).toEqual([]);
        for (const ip of OUTSIDE) expect(evaluator.allowed({ from: modelServer, to: { ip }, port: 443 })).toBe(false);
        const callers = model.pods.filter((from) => from !== modelServer && PORTS.some((port) => evaluator.allowed({ from, to: modelServer, port })));
        expect(callers.length).toBeGreaterThan(0);
        expect(callers.filter((from) => !is.gateway(from)).map((from) => from.name)).toEqual([]);
        // Defence in depth: the model servers' own ingress policies alone admit only the gateway,
        // whatever egress the other namespaces allow.
        const ingressSideOnly = new NetworkPolicyEvaluator(
          policies.filter((policy) => policy.metadata.namespace === modelServer.namespace),
          model.namespaces,
        );
        const admitted = model.pods.filter(
          (from) => from.namespace !== modelServer.namespace && PORTS.some((port) => ingressSideOnly.allowed({ from, to: modelServer, port })),
        );
        expect(admitted.filter((from) => !is.gateway(from)).map((from) => from.name)).toEqual([]);
      }
    });

    it('lets only the platform, Keycloak and the operator reach PostgreSQL; nothing else in the cluster reaches the platform', () => {
      const { objects, pods, is, model, evaluator } = setup();
      for (const postgres of pods(is.postgres)) {
        const callers = model.pods.filter((from) => from !== postgres && evaluator.allowed({ from, to: postgres, port: 5432 })).map((from) => from.name);
        expect(callers.sort()).toEqual(
          pods((pod) => is.gateway(pod) || is.controlPlane(pod) || is.migrations(pod) || is.keycloak(pod))
            .map((pod) => pod.name)
            .concat('cnpg-operator')
            .sort(),
        );
      }
      const [unrelated] = pods((pod) => pod.namespace === 'default');
      const platformNamespaces = objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name);
      for (const to of model.pods.filter((pod) => platformNamespaces.includes(pod.namespace))) {
        for (const port of PORTS)
          expect({ to: to.name, port, allowed: evaluator.allowed({ from: unrelated!, to, port }) }).toEqual({ to: to.name, port, allowed: false });
      }
    });
  });
});
