#!/usr/bin/env node
// The image's HEALTHCHECK (Kubernetes uses its own probes instead): healthy when the service this
// container runs answers its liveness URL — HEALTHCHECK_URL, or else whichever of the control plane,
// the gateway and the model simulator listens (one container runs one of them).
const env = process.env;
const candidates = env.HEALTHCHECK_URL
  ? [env.HEALTHCHECK_URL]
  : [
      `http://127.0.0.1:${env.CONTROL_PLANE_PORT ?? 4000}/health/live`,
      `http://127.0.0.1:${env.GATEWAY_PORT ?? 4100}/health/live`,
      `http://127.0.0.1:${env.MODEL_SIM_PORT ?? 18090}/healthz`,
    ];
const answers = await Promise.all(
  candidates.map((url) =>
    fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
      (response) => response.ok,
      () => false,
    ),
  ),
);
process.exit(answers.some(Boolean) ? 0 : 1);
