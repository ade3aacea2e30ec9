// The pods a rendered overlay puts on a cluster (workloads, plus those the operators create from the
// custom resources, with the labels the operators give them) and the cluster's own pods around it.
import type { Labels, Pod } from './network-policy-evaluator';
import type { KubernetesObject } from './rendered-manifests';
import { workloads } from './workloads';

export interface ClusterModel {
  readonly pods: Pod[];
  readonly namespaces: Map<string, Labels>;
}

/** Pods that exist on any cluster the platform is installed on, outside its manifests. */
const SURROUNDINGS: { namespace: string; namespaceLabels?: Labels; pod: Omit<Pod, 'namespace'> }[] = [
  { namespace: 'kube-system', pod: { name: 'coredns', labels: { 'k8s-app': 'kube-dns' } } },
  {
    namespace: 'ingress-nginx',
    namespaceLabels: { 'ai-commons.io/zone': 'edge' },
    pod: { name: 'ingress-controller', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  },
  { namespace: 'cnpg-system', pod: { name: 'cnpg-operator', labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } } },
  { namespace: 'ai-commons-identity', pod: { name: 'keycloak-operator', labels: { 'app.kubernetes.io/name': 'keycloak-operator' } } },
  // Anything else on the cluster (another team's workload).
  { namespace: 'default', pod: { name: 'unrelated', labels: { app: 'unrelated' } } },
];

export function clusterModel(objects: readonly KubernetesObject[]): ClusterModel {
  const namespaces = new Map<string, Labels>();
  const addNamespace = (name: string, labels: Labels = {}) => namespaces.set(name, { ...namespaces.get(name), ...labels, 'kubernetes.io/metadata.name': name });
  for (const object of objects.filter((candidate) => candidate.kind === 'Namespace')) addNamespace(object.metadata.name, object.metadata.labels);

  const pods: Pod[] = [];
  for (const workload of workloads(objects)) {
    const namedPorts: Record<string, number> = {};
    for (const container of workload.pod.containers ?? []) for (const port of container.ports ?? []) if (port.name) namedPorts[port.name] = port.containerPort;
    pods.push({ name: workload.id, namespace: workload.namespace, labels: workload.podLabels, namedPorts });
  }
  for (const object of objects) {
    const namespace = object.metadata.namespace!;
    // CloudNativePG labels every instance pod cnpg.io/cluster=<name>.
    if (object.kind === 'Cluster' && object.apiVersion.startsWith('postgresql.cnpg.io/')) {
      pods.push({
        name: `Cluster/${namespace}/${object.metadata.name}`,
        namespace,
        labels: { 'cnpg.io/cluster': object.metadata.name, 'cnpg.io/podRole': 'instance' },
        namedPorts: { postgresql: 5432, metrics: 9187 },
      });
    }
    // The Keycloak Operator labels its pods app=keycloak, app.kubernetes.io/instance=<name>.
    if (object.kind === 'Keycloak' && object.apiVersion.startsWith('k8s.keycloak.org/')) {
      pods.push({
        name: `Keycloak/${namespace}/${object.metadata.name}`,
        namespace,
        labels: { app: 'keycloak', 'app.kubernetes.io/instance': object.metadata.name, 'app.kubernetes.io/managed-by': 'keycloak-operator' },
        namedPorts: { https: 8443, management: 9000 },
      });
    }
  }
  for (const { namespace, namespaceLabels, pod } of SURROUNDINGS) {
    addNamespace(namespace, namespaceLabels);
    pods.push({ ...pod, namespace });
  }
  return { pods, namespaces };
}
