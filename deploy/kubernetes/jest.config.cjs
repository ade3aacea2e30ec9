// The Kubernetes manifests: rendered with `kubectl kustomize`, validated against the Kubernetes API
// schema, policy-tested, and their NetworkPolicies walked for reachability (see deploy/README.md).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'deploy-kubernetes',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 30_000,
};
