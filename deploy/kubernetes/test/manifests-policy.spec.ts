// Policy tests over the rendered manifests of both overlays: what a bank's security review and a
// restricted Pod Security Admission would ask of every workload, plus availability and the
// least-privilege split of the database secrets.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { selectorMatches } from './network-policy-evaluator';
import { describeRendered, kubernetesDirectory, OVERLAYS, renderOverlay, type KubernetesObject, type Overlay } from './rendered-manifests';
import { containersOf, workloads, type Workload } from './workloads';

const APP_IMAGE = /^registry\.ai-commons\.internal\/ai-commons:[0-9][^:]*$/;
const secretsReferenced = (workload: Workload) =>
  containersOf(workload.pod)
    .flatMap(({ container }) => [
      ...(container.envFrom ?? []).map((source: { secretRef?: { name: string } }) => source.secretRef?.name),
      ...(container.env ?? []).map((variable: { valueFrom?: { secretKeyRef?: { name: string } } }) => variable.valueFrom?.secretKeyRef?.name),
    ])
    .filter(Boolean);
const find = (objects: KubernetesObject[], kind: string, name: string) => {
  const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
  if (!object) throw new Error(`no ${kind}/${name}`);
  return object;
};

describeRendered('manifest policies', () => {
  describe.each(OVERLAYS)('%s overlay', (overlay: Overlay) => {
    const objects = () => renderOverlay(overlay);
    const all = () => workloads(objects());

    it('has the workloads it should', () => {
      const ids = all().map((workload) => workload.id);
      expect(ids).toEqual(
        expect.arrayContaining([
          'Deployment/ai-commons/control-plane',
          'Deployment/ai-commons/gateway',
          'Job/ai-commons/db-migrate',
          'StatefulSet/ai-commons-data/valkey',
        ]),
      );
      if (overlay === 'demo') expect(ids).toContain('Deployment/ai-commons-models/model-simulator');
    });

    it('runs every container as non-root, with a read-only root file system, no privilege escalation, no capabilities, seccomp RuntimeDefault', () => {
      const problems: string[] = [];
      for (const workload of all()) {
        const pod = workload.pod;
        if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push(`${workload.id}: shares a host namespace`);
        if (pod.automountServiceAccountToken !== false) problems.push(`${workload.id}: mounts a service account token`);
        for (const { name, container } of containersOf(pod)) {
          const where = `${workload.id} ${name}`;
          const security = container.securityContext ?? {};
          const runAsNonRoot = security.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
          const runAsUser = security.runAsUser ?? pod.securityContext?.runAsUser;
          if (runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
          if (runAsUser === undefined || runAsUser === 0) problems.push(`${where}: no numeric non-zero runAsUser`);
          if (security.readOnlyRootFilesystem !== true) problems.push(`${where}: root file system is writable`);
          if (security.allowPrivilegeEscalation !== false) problems.push(`${where}: privilege escalation not disabled`);
          if (security.privileged) problems.push(`${where}: privileged`);
          if (!(security.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: does not drop ALL capabilities`);
          if ((security.capabilities?.add ?? []).length) problems.push(`${where}: adds capabilities`);
          if ((security.seccompProfile ?? pod.securityContext?.seccompProfile)?.type !== 'RuntimeDefault')
            problems.push(`${where}: seccomp is not RuntimeDefault`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('gives every container CPU and memory requests and limits', () => {
      const problems = all().flatMap((workload) =>
        containersOf(workload.pod).flatMap(({ name, container }) =>
          ['requests', 'limits'].flatMap((bound) =>
            ['cpu', 'memory']
              .filter((resource) => !container.resources?.[bound]?.[resource])
              .map((resource) => `${workload.id} ${name}: no ${resource} ${bound}`),
          ),
        ),
      );
      expect(problems).toEqual([]);
    });

    it('gives every long-running container liveness and readiness probes', () => {
      const problems = all()
        .filter((workload) => !['Job', 'CronJob'].includes(workload.object.kind))
        .flatMap((workload) =>
          containersOf(workload.pod)
            .filter(({ init }) => !init)
            .flatMap(({ name, container }) =>
              ['livenessProbe', 'readinessProbe'].filter((probe) => !container[probe]).map((probe) => `${workload.id} ${name}: no ${probe}`),
            ),
        );
      expect(problems).toEqual([]);
    });

    it('covers every Deployment and StatefulSet with a PodDisruptionBudget and a topology spread over its own pods', () => {
      const budgets = objects().filter((object) => object.kind === 'PodDisruptionBudget');
      const problems: string[] = [];
      for (const workload of all().filter((candidate) => ['Deployment', 'StatefulSet'].includes(candidate.object.kind))) {
        const budget = budgets.find(
          (candidate) => candidate.metadata.namespace === workload.namespace && selectorMatches(candidate.spec.selector, workload.podLabels),
        );
        if (!budget) problems.push(`${workload.id}: no PodDisruptionBudget`);
        else if (budget.spec.maxUnavailable === undefined && !(budget.spec.minAvailable >= 1))
          problems.push(`${workload.id}: PodDisruptionBudget allows no disruption bound`);
        const spread = (workload.pod.topologySpreadConstraints ?? []).filter((constraint: { labelSelector: object }) =>
          selectorMatches(constraint.labelSelector, workload.podLabels),
        );
        if (!spread.some((constraint: { topologyKey: string }) => constraint.topologyKey === 'kubernetes.io/hostname'))
          problems.push(`${workload.id}: not spread over nodes`);
        if (workload.object.spec.replicas > 1 && budget?.spec.minAvailable !== undefined && budget.spec.minAvailable >= workload.object.spec.replicas)
          problems.push(`${workload.id}: PodDisruptionBudget blocks every drain`);
      }
      expect(problems).toEqual([]);
    });

    it('runs 2 control planes and at least 3 gateways, scaled by a HorizontalPodAutoscaler, rolling with no unavailable replica', () => {
      const controlPlane = find(objects(), 'Deployment', 'control-plane');
      const gateway = find(objects(), 'Deployment', 'gateway');
      expect(controlPlane.spec.replicas).toBe(2);
      expect(gateway.spec.replicas).toBe(3);
      for (const deployment of [controlPlane, gateway]) expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      const autoscaler = objects().find(
        (object) =>
          object.kind === 'HorizontalPodAutoscaler' && object.spec.scaleTargetRef.kind === 'Deployment' && object.spec.scaleTargetRef.name === 'gateway',
      );
      expect(autoscaler?.spec.minReplicas).toBeGreaterThanOrEqual(3);
      expect(autoscaler?.spec.maxReplicas).toBeGreaterThan(autoscaler?.spec.minReplicas);
      expect(autoscaler?.metadata.namespace).toBe(gateway.metadata.namespace);
    });

    it("gives the services only the application role's database secret; the owner and superuser connections only to the migrations Job", () => {
      const byWorkload = Object.fromEntries(all().map((workload) => [workload.id, secretsReferenced(workload)]));
      for (const service of ['Deployment/ai-commons/control-plane', 'Deployment/ai-commons/gateway']) {
        expect(byWorkload[service]).toContain('ai-commons-db-app');
        const env = containersOf(all().find((workload) => workload.id === service)!.pod).flatMap(({ container }) =>
          (container.env ?? []).map((variable: { name: string }) => variable.name),
        );
        expect(env).not.toEqual(expect.arrayContaining(['DATABASE_URL']));
        expect(env).not.toEqual(expect.arrayContaining(['DATABASE_ADMIN_URL']));
      }
      const holders = (secret: string) =>
        Object.entries(byWorkload)
          .filter(([, secrets]) => secrets.includes(secret))
          .map(([id]) => id);
      expect(holders('ai-commons-db-owner')).toEqual(['Job/ai-commons/db-migrate']);
      expect(holders('ai-commons-db-admin')).toEqual(['Job/ai-commons/db-migrate']);
    });

    it('runs the platform image, pinned, with the profile of the overlay', () => {
      const profile = overlay === 'production' ? 'production' : 'demo';
      for (const workload of all().filter((candidate) => candidate.namespace === 'ai-commons')) {
        for (const { container } of containersOf(workload.pod)) {
          expect(container.image).toMatch(APP_IMAGE);
          if (workload.object.kind === 'Deployment') expect(container.env).toContainEqual({ name: 'AI_COMMONS_PROFILE', value: profile });
        }
      }
    });

    it('runs PostgreSQL as a 3-instance CloudNativePG cluster with synchronous replication and backups', () => {
      const cluster = find(objects(), 'Cluster', 'ai-commons-pg');
      expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
      expect(cluster.spec.instances).toBe(3);
      // A commit is acknowledged once a standby has it: losing the primary loses no acknowledged audit record.
      expect(cluster.spec.postgresql.synchronous).toMatchObject({ method: expect.stringMatching(/^(any|first)$/), dataDurability: 'required' });
      expect(cluster.spec.postgresql.synchronous.number).toBeGreaterThanOrEqual(1);
      expect(cluster.spec.postgresql.synchronous.number).toBeLessThan(cluster.spec.instances);
      expect(cluster.spec.affinity).toMatchObject({ enablePodAntiAffinity: true, podAntiAffinityType: 'required' });
      expect(cluster.spec.backup.barmanObjectStore.destinationPath).toMatch(/^s3:\/\//);
      expect(cluster.spec.backup.retentionPolicy).toMatch(/^\d+[dwm]$/);
      const scheduled = objects().find((object) => object.kind === 'ScheduledBackup');
      expect(scheduled?.spec.cluster.name).toBe('ai-commons-pg');
    });

    it('runs Keycloak through the operator on PostgreSQL, TLS only, with the realm of the overlay imported verbatim', () => {
      const keycloak = find(objects(), 'Keycloak', 'keycloak');
      expect(keycloak.apiVersion).toBe('k8s.keycloak.org/v2alpha1');
      expect(keycloak.spec.db).toMatchObject({ vendor: 'postgres', host: 'ai-commons-pg-rw.ai-commons-data.svc' });
      expect(keycloak.spec.http).toMatchObject({ httpEnabled: false, tlsSecret: expect.any(String) });
      expect(keycloak.spec.instances).toBeGreaterThanOrEqual(overlay === 'production' ? 2 : 1);
      const podSecurity = keycloak.spec.unsupported.podTemplate.spec;
      expect(podSecurity.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(podSecurity.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const realmImport = find(objects(), 'KeycloakRealmImport', 'ai-commons-realm');
      expect(realmImport.spec.keycloakCRName).toBe('keycloak');
      const realmFile = overlay === 'production' ? 'keycloak/production/ai-commons-realm.template.json' : 'keycloak/realms/ai-commons-realm.json';
      expect(realmImport.spec.realm).toEqual(JSON.parse(readFileSync(path.join(kubernetesDirectory, '..', realmFile), 'utf8')));
    });

    it('runs Valkey as three servers with a Sentinel each, password from a Secret', () => {
      const valkey = find(objects(), 'StatefulSet', 'valkey');
      expect(valkey.spec.replicas).toBe(3);
      expect(valkey.spec.template.spec.containers.map((container: { name: string }) => container.name)).toEqual(['valkey', 'sentinel']);
      const configure = find(objects(), 'ConfigMap', 'valkey').data['configure.sh'];
      expect(configure).toMatch(/sentinel monitor ai-commons \S+ 6379 2/);
      expect(secretsReferenced(workloads([valkey])[0]!)).toEqual(['valkey-auth']);
    });
  });

  it("the production overlay pulls every image from the consortium's registry (망분리: no pull from the internet)", () => {
    const objects = renderOverlay('production');
    const images = [
      ...workloads(objects).flatMap((workload) => containersOf(workload.pod).map(({ container }) => container.image as string)),
      find(objects, 'Cluster', 'ai-commons-pg').spec.imageName,
      find(objects, 'Keycloak', 'keycloak').spec.image,
    ];
    expect(images.length).toBeGreaterThan(5);
    expect(images.filter((image) => !image.startsWith('registry.ai-commons.internal/'))).toEqual([]);
  });

  it('the production overlay carries no demo setting', () => {
    const text = JSON.stringify(renderOverlay('production'));
    expect(text).not.toMatch(/SEED_DEMO_CONSORTIUM|demo-password|-demo-secret|model-simulator/);
  });
});
