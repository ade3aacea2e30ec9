// The workloads of a rendered overlay and their pod templates.
import type { KubernetesObject } from './rendered-manifests';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

export type PodSpec = any;

export interface Workload {
  readonly object: KubernetesObject;
  readonly id: string;
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly pod: PodSpec;
}

export function workloads(objects: readonly KubernetesObject[]): Workload[] {
  return objects
    .filter((object) => WORKLOAD_KINDS.includes(object.kind))
    .map((object) => {
      const template = object.kind === 'CronJob' ? object.spec.jobTemplate.spec.template : object.spec.template;
      return {
        object,
        id: `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`,
        namespace: object.metadata.namespace!,
        podLabels: template.metadata?.labels ?? {},
        pod: template.spec,
      };
    });
}

export function containersOf(pod: PodSpec): { name: string; init: boolean; container: PodSpec }[] {
  return [
    ...(pod.initContainers ?? []).map((container: PodSpec) => ({ name: container.name, init: true, container })),
    ...(pod.containers ?? []).map((container: PodSpec) => ({ name: container.name, init: false, container })),
  ];
}
