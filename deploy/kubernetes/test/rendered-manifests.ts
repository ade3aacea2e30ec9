// Renders an overlay with `kubectl kustomize` (the way an operator applies it) and parses the YAML.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const OVERLAYS = ['demo', 'production'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  [key: string]: any;
};

export const kubernetesDirectory = path.resolve(__dirname, '..');

/** Why the manifests cannot be rendered here (no kubectl, or one whose kustomize is too old), or undefined. */
export function renderUnavailableReason(): string | undefined {
  const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return 'kubectl is not installed (.ci/run fetches one): the Kubernetes manifest tests are SKIPPED';
  const kustomize = /Kustomize Version: v(\d+)/.exec(version.stdout);
  if (!kustomize || Number(kustomize[1]) < 5)
    return `kubectl's kustomize is older than v5 (${version.stdout.trim().replace(/\n/g, ', ')}): the Kubernetes manifest tests are SKIPPED`;
  return undefined;
}

const rendered = new Map<Overlay, KubernetesObject[]>();

export function renderOverlay(overlay: Overlay): KubernetesObject[] {
  const cached = rendered.get(overlay);
  if (cached) return cached;
  const yaml = execFileSync('kubectl', ['kustomize', path.join(kubernetesDirectory, 'overlays', overlay)], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  const objects = parseAllDocuments(yaml)
    .map((document) => {
      if (document.errors.length) throw new Error(`${overlay}: ${document.errors[0]!.message}`);
      return document.toJS() as KubernetesObject;
    })
    .filter((object) => object !== null);
  rendered.set(overlay, objects);
  return objects;
}

/** `describe` that states why it is skipped when the manifests cannot be rendered on this machine. */
export function describeRendered(name: string, body: () => void): void {
  const reason = renderUnavailableReason();
  if (reason) {
    console.warn(reason);
    describe.skip(`${name} (${reason})`, body);
  } else {
    describe(name, body);
  }
}
