// The platform's processes and what `npm start` prints once they are ready.
export const PORTS = { controlPlane: 4000, gateway: 4100, simulator: 18090, controlPlaneMetrics: 9464, gatewayMetrics: 9465 };

export function services({ database, keycloakUrl }) {
  // The services get the application role's connection only (they refuse an owner or superuser one);
  // migrations ran before, as their own step, with the owner's. Demo profile: the demo secrets.
  const common = { AI_COMMONS_PROFILE: 'demo', DATABASE_APP_URL: database.appUrl, KEYCLOAK_URL: keycloakUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
  return [
    {
      name: 'model-simulator',
      entry: 'dist/apps/model-simulator/src/main.js',
      env: {
        ARGS: [
          '--port',
          String(PORTS.simulator),
          '--models',
          'llama-3.1-70b-instruct,exaone-3.5-32b,gpt-4o,text-embedding-3-small',
          '--ttft-ms',
          '150',
          '--inter-token-ms',
          '20',
          '--output-tokens',
          '48',
        ],
      },
      readyUrl: `http://127.0.0.1:${PORTS.simulator}/healthz`,
      needsKeycloak: false,
    },
    {
      name: 'control-plane',
      entry: 'dist/apps/control-plane/src/main.js',
      env: {
        ...common,
        CONTROL_PLANE_PORT: String(PORTS.controlPlane),
        CONTROL_PLANE_METRICS_PORT: String(PORTS.controlPlaneMetrics),
        SEED_DEMO_CONSORTIUM: 'true',
        GRAPHQL_INTROSPECTION: 'true',
        // The analyst playground calls the gateway from the browser with a short-lived key.
        CONSOLE_GATEWAY_URL: `http://127.0.0.1:${PORTS.gateway}`,
      },
      readyUrl: `http://127.0.0.1:${PORTS.controlPlane}/health/ready`,
      needsKeycloak: true,
    },
    {
      name: 'gateway',
      entry: 'dist/apps/gateway/src/main.js',
      env: {
        ...common,
        GATEWAY_PORT: String(PORTS.gateway),
        GATEWAY_METRICS_PORT: String(PORTS.gatewayMetrics),
        // CORS for the console's origins only (its playground); no other browser origin.
        GATEWAY_CORS_ORIGINS: `http://127.0.0.1:${PORTS.controlPlane},http://localhost:${PORTS.controlPlane}`,
      },
      readyUrl: `http://127.0.0.1:${PORTS.gateway}/health/ready`,
      needsKeycloak: true,
    },
  ];
}

export function printBanner({ keycloakUrl, seconds }) {
  console.log(`
✔ ai-commons is ready (${seconds} s)

  Web console              http://127.0.0.1:${PORTS.controlPlane}/console/  (sign in as a demo user below; API explorer /console/graphql)
  Control plane (GraphQL)  http://127.0.0.1:${PORTS.controlPlane}/graphql
  Health                   http://127.0.0.1:${PORTS.controlPlane}/health/ready
  Gateway (OpenAI API)     http://127.0.0.1:${PORTS.gateway}/v1
  Model simulator          http://127.0.0.1:${PORTS.simulator}/v1/models
  Metrics (Prometheus)     http://127.0.0.1:${PORTS.controlPlaneMetrics}/metrics (control plane), http://127.0.0.1:${PORTS.gatewayMetrics}/metrics (gateway)
                           dashboards and alert rules: deploy/observability/
  Keycloak                 ${keycloakUrl}  (admin console: kcadmin / kcadmin)
  Logs                     .data/logs/*.log

  Demo users (password: demo-password)
    platform-admin                         platform admin
    regulator                              regulator (read-only, all institutions)
    hanbit-bank-admin / -analyst           한빛은행 (weight 50%)
    nuri-insurance-admin / -analyst        누리생명보험 (weight 30%)
    gaon-securities-admin / -analyst       가온증권 (weight 20%)
  Service accounts: svc-hanbit-bank, svc-nuri-insurance, svc-gaon-securities (secret <slug>-demo-secret)

  Get a token:   npm run token -- hanbit-bank-admin          (or: npm run token -- --client svc-hanbit-bank)
  Try it:        curl -s http://127.0.0.1:${PORTS.controlPlane}/graphql -H "authorization: Bearer $(npm run -s token -- platform-admin)" \\
                   -H 'content-type: application/json' -d '{"query":"{ me { username roles } institutions { edges { node { slug nameKo investmentWeight } } } }"}'

  Call a model:  curl -s http://127.0.0.1:${PORTS.gateway}/v1/chat/completions -H "authorization: Bearer $(npm run -s token -- --client svc-hanbit-bank)" \
                   -H 'content-type: application/json' -d '{"model":"llama-3.1-70b","messages":[{"role":"user","content":"안녕하세요"}]}'

  Ctrl-C stops everything.
`);
}
