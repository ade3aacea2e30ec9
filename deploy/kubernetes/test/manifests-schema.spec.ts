// Every rendered object validates against the Kubernetes API schema (kubernetes-models: the OpenAPI
// schemas of Kubernetes 1.34), offline. The operators' custom resources have no schema there: they are
// checked structurally in manifests-policy.spec.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeRendered, OVERLAYS, renderOverlay, type KubernetesObject } from './rendered-manifests';

const CUSTOM_RESOURCE_GROUPS = ['postgresql.cnpg.io/', 'k8s.keycloak.org/'];

interface SchemaReport {
  validated: string[];
  errors: { id: string; message: string }[];
  noSchema: string[];
}

function validate(objects: unknown[]): SchemaReport {
  const directory = mkdtempSync(path.join(tmpdir(), 'ai-commons-k8s-schema-'));
  try {
    const file = path.join(directory, 'objects.json');
    writeFileSync(file, JSON.stringify(objects));
    return JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'validate-schemas.mjs'), file], { encoding: 'utf8' })) as SchemaReport;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describeRendered('Kubernetes API schema', () => {
  it.each(OVERLAYS)('every built-in object of the %s overlay validates', (overlay) => {
    const objects = renderOverlay(overlay);
    const report = validate(objects);
    expect(report.errors).toEqual([]);
    const builtIn = objects.filter((object) => !CUSTOM_RESOURCE_GROUPS.some((group) => object.apiVersion.startsWith(group)));
    expect(report.validated).toHaveLength(builtIn.length);
    // Only the operators' custom resources lack a schema.
    for (const id of report.noSchema) expect(CUSTOM_RESOURCE_GROUPS.some((group) => id.startsWith(group))).toBe(true);
  });

  it('refuses what the API server would refuse (the validator is not a no-op)', () => {
    const deployment = structuredClone(renderOverlay('production').find((object) => object.kind === 'Deployment')) as KubernetesObject;
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    delete deployment.spec.selector;
    const report = validate([deployment, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'http' }] } }]);
    const messages = report.errors.map((error) => error.message).join('\n');
    expect(messages).toMatch(/must have required property selector/);
    expect(messages).toMatch(/containerPort must be integer/);
    expect(messages).toMatch(/ports\/0 must have required property port/);
    expect(report.validated).toEqual([]);
  });
});
