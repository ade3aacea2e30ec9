import { z } from 'zod';
import { publicKeyListProblems } from './ed25519-public-key-list';
import { parseHostPortList } from './host-port-list';
import { PROFILES } from './profile-secrets';

const booleanFromEnv = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

// 0 asks the OS for a free port (tests).
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/** Every setting the platform reads from the environment, validated once at boot. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /**
     * `production` (the default): every secret is required and a publicly known demo value is refused.
     * `demo`: missing secrets fall back to the demo values of this repository (npm start, the tests).
     */
    AI_COMMONS_PROFILE: z.enum(PROFILES).default('production'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

    CONTROL_PLANE_HOST: z.string().default('127.0.0.1'),
    CONTROL_PLANE_PORT: port.default(4000),
    /** Management port serving Prometheus `/metrics` (0: off). Bound to METRICS_HOST. */
    CONTROL_PLANE_METRICS_PORT: port.default(0),
    /** Interface the management ports listen on (keep it off the public network). */
    METRICS_HOST: z.string().default('127.0.0.1'),
    SHUTDOWN_GRACE_MS: positiveInt.default(10_000),

    /**
     * OpenTelemetry traces (both services): OTLP over HTTP to `<endpoint>/v1/traces`,
     * e.g. http://127.0.0.1:4318 (an OpenTelemetry Collector, Jaeger, Tempo). Unset: tracing is off
     * and costs nothing on the request path. OTEL_EXPORTER_OTLP_HEADERS (e.g. an API key) is read
     * by the exporter itself.
     */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** The full traces URL, when it is not `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`; setting it alone turns tracing on. */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /**
     * Body encoding of the OTLP/HTTP posts. Protobuf (the OTLP default) serialises in about a third
     * of JSON's CPU time into a third of the bytes (~4 µs less per recorded chat call);
     * http/json for a receiver that reads JSON only. (OTLP/gRPC is not built in.)
     */
    OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json'], { error: 'must be http/protobuf or http/json' }).default('http/protobuf'),
    /**
     * Share of new traces recorded (0–1). Parent-based: a caller's `traceparent` decides for its
     * own trace (sampled flag), this ratio for traces that start at the platform. The default, 5 %,
     * keeps tracing within 3 % of the gateway's maximum throughput (a recorded chat call costs
     * ~20 µs of CPU, one that is not recorded < 1 µs; test/bench/gateway/observability-cost.md)
     * while a busy gateway still records dozens of traces a second. 1 records every request.
     */
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(0.05),

    /** Connection for migrations (`npm run db:migrate`), as the schema owner. The services never use it. */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
    /** Connection for the application, as a role that owns nothing and cannot bypass RLS. */
    DATABASE_APP_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
    DATABASE_POOL_SIZE: positiveInt.default(10),
    DATABASE_STATEMENT_TIMEOUT_MS: positiveInt.default(15_000),
    /** Create the demo consortium's institutions at start when missing (npm start sets it). */
    SEED_DEMO_CONSORTIUM: booleanFromEnv.default(false),

    KEYCLOAK_URL: z.url({ error: 'must be an http(s) URL' }).default('http://localhost:18080'),
    KEYCLOAK_REALM: z.string().min(1).default('ai-commons'),
    /** Client id that tokens must name in `aud`. */
    KEYCLOAK_AUDIENCE: z.string().min(1).default('ai-commons-api'),
    /** Cooldown between JWKS refetches for an unknown key id (seconds). */
    KEYCLOAK_JWKS_MIN_INTERVAL_S: z.coerce.number().positive().default(10),
    KEYCLOAK_KEY_FETCH_TIMEOUT_MS: positiveInt.default(3_000),

    /** The built web console (apps/console) the control plane serves at /console; relative to the working directory. */
    CONSOLE_DIR: z.string().min(1).default('dist/apps/console'),
    /** Keycloak as the browser reaches it (the console signs in there); default KEYCLOAK_URL. */
    CONSOLE_KEYCLOAK_URL: z.url({ error: 'must be an http(s) URL' }).optional(),
    /** The console's public OIDC client (authorization code + PKCE). */
    CONSOLE_CLIENT_ID: z.string().min(1).default('ai-commons-console'),
    /** The gateway as the browser reaches it: the analyst playground calls it there (unset: no playground). */
    CONSOLE_GATEWAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),

    /**
     * Key-encryption key for upstream credentials: 32 bytes, base64. Required in the production
     * profile; in the demo profile a fixed, publicly known key is used when it is missing.
     */
    CREDENTIAL_KEK: z
      .string()
      .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .optional(),

    GATEWAY_HOST: z.string().default('127.0.0.1'),
    GATEWAY_PORT: port.default(4100),
    /** Management port serving Prometheus `/metrics` (0: off). Bound to GATEWAY_HOST. */
    GATEWAY_METRICS_PORT: port.default(0),
    /** Upper bound on any request body; endpoints may set a lower one. */
    GATEWAY_MAX_BODY_BYTES: positiveInt.default(4 * 1024 * 1024),
    /** Usage records are written in batches: at most this often and this many per statement. */
    GATEWAY_USAGE_FLUSH_MS: positiveInt.default(200),
    GATEWAY_USAGE_BATCH_SIZE: positiveInt.default(500),
    /**
     * Usage recovery (see deploy/README.md): each gateway renews its gateway_instances row this often
     * (ms); one that has not for GATEWAY_INSTANCE_DEAD_AFTER_MS is dead, and the gateway leading
     * `usage-recovery` writes the usage records it owed, checking every GATEWAY_USAGE_RECOVERY_MS (0: off).
     */
    GATEWAY_INSTANCE_HEARTBEAT_MS: positiveInt.default(2_000),
    GATEWAY_INSTANCE_DEAD_AFTER_MS: positiveInt.default(15_000),
    GATEWAY_USAGE_RECOVERY_MS: z.coerce.number().int().min(0).default(5_000),
    /** Safety-net full reload of the routing table (changes also arrive by LISTEN/NOTIFY). */
    GATEWAY_ROUTING_REFRESH_MS: positiveInt.default(60_000),
    /**
     * When routing reloads have kept failing this long (ms), the gateway reports not-ready: its table
     * may still hold keys revoked since. Default: three safety-net refreshes.
     */
    GATEWAY_ROUTING_STALE_AFTER_MS: positiveInt.default(180_000),
    /** Circuit breaker per replica (endpoint target): consecutive failures that eject it, and how long before it is probed again. */
    GATEWAY_BREAKER_FAILURES: positiveInt.default(5),
    GATEWAY_BREAKER_COOLDOWN_MS: positiveInt.default(10_000),
    /** Retries of upstream connection errors (nothing reached the upstream, nothing sent back yet), on another replica when there is one. */
    GATEWAY_CONNECT_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
    /**
     * Prefix affinity's load bound: a request goes to the replica that served its prefix unless that
     * replica has more than this many requests in flight beyond the least loaded one.
     */
    GATEWAY_AFFINITY_MAX_EXCESS: z.coerce.number().int().min(0).max(1_000).default(8),
    /**
     * Browser origins (comma-separated, exact `scheme://host[:port]`) the gateway answers with CORS:
     * the console's, for its playground. Unset: no CORS, as for every other caller.
     */
    GATEWAY_CORS_ORIGINS: z
      .string()
      .transform((value, context) => {
        const origins = value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean);
        for (const origin of origins) {
          let parsed: URL | undefined;
          try {
            parsed = new URL(origin);
          } catch {
            parsed = undefined;
          }
          if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
            context.addIssue({ code: 'custom', message: `${origin} is not an origin (scheme://host[:port], no path)` });
          }
        }
        return origins;
      })
      .optional(),
    /** Deepest JSON nesting of a request body; deeper is refused (400) before parsing. */
    GATEWAY_MAX_JSON_DEPTH: z.coerce.number().int().min(8).max(1_000).default(64),
    /** A client must send all request headers within this time (ms); slow senders are cut off. */
    GATEWAY_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(10_000),
    /** …and the whole request, body included, within this time (ms); never less than the headers timeout. */
    GATEWAY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),

    /**
     * Where quota counters live: `memory` (this gateway process only, the single-instance default) or
     * `redis` (shared by every gateway instance; needs REDIS_URL).
     */
    QUOTA_STORE: z.enum(['memory', 'redis']).default('memory'),
    /** Redis for the shared quota store, e.g. redis://127.0.0.1:6379/0. */
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).optional(),
    /**
     * Redis Sentinels, comma-separated `host:port`: the gateway asks them for the current primary of
     * REDIS_SENTINEL_MASTER and follows a failover. REDIS_URL then gives only the user, password (also
     * used for the Sentinels) and database number; its host is not used.
     */
    REDIS_SENTINELS: z
      .string()
      .transform((value, context) => {
        const { entries, problems } = parseHostPortList(value);
        for (const problem of problems) context.addIssue({ code: 'custom', message: problem });
        return entries;
      })
      .optional(),
    REDIS_SENTINEL_MASTER: z.string().min(1).max(200).default('ai-commons'),
    /** Key prefix of the quota state in Redis (separate prefixes = separate deployments on one Redis). */
    QUOTA_REDIS_PREFIX: z.string().min(1).default('aic:quota'),
    /** Width of a quota window bucket (ms, divides 60 000): usage is forgotten at most this late. */
    QUOTA_BUCKET_MS: positiveInt.refine((value) => 60_000 % value === 0, 'must divide 60000').default(5_000),
    /** A reservation not reconciled within this time is settled at its estimate and its slot freed (ms). */
    QUOTA_LEASE_TTL_MS: positiveInt.default(600_000),
    /** Periodic reload of the quota pools besides change notifications (ms). */
    QUOTA_REFRESH_MS: positiveInt.default(60_000),

    /** Upstream URL of the demo endpoints that SEED_DEMO_CONSORTIUM creates (the model simulator). */
    DEMO_SIMULATOR_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://127.0.0.1:18090'),
    /** Active (not revoked, not expired) API keys an institution may hold at once; createApiKey refuses more. */
    API_KEYS_MAX_ACTIVE_PER_INSTITUTION: positiveInt.default(50),
    /** How often the control plane probes every endpoint's upstream health (ms); 0 turns it off. */
    CATALOG_HEALTH_PROBE_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),

    /** How often the control plane runs a data-isolation verification on its own (ms); 0 turns it off. Default: daily. */
    ISOLATION_SCHEDULE_MS: z.coerce.number().int().min(0).default(86_400_000),
    /**
     * Every control plane looks this often (ms) for isolation runs still `running` whose control plane
     * no longer holds the run's advisory lock (killed, out of memory, node lost) and closes them as
     * `error` (RUN_INTERRUPTED): the bound on how long such a run blocks "run now" in the console.
     */
    ISOLATION_RUN_SWEEP_MS: positiveInt.max(3_600_000).default(30_000),
    /**
     * Periodic work of the control plane (isolation schedule, endpoint health probe, usage partition
     * maintenance) runs in one replica: the holder of the job's PostgreSQL advisory lock. Followers
     * try to take it this often (ms): the bound on a hand-over after the leader dies.
     */
    LEADERSHIP_RETRY_MS: positiveInt.max(600_000).default(5_000),
    /** The leader checks its lock connection this often and stops the job when it fails (ms). */
    LEADERSHIP_CHECK_MS: positiveInt.max(60_000).default(2_000),
    /** How often the leader creates usage_records partitions ahead and drops expired ones (ms); 0 turns it off. Default: 6 h. */
    USAGE_PARTITION_MAINTENANCE_MS: z.coerce.number().int().min(0).default(21_600_000),
    /** Monthly usage_records partitions created ahead of the current month (KST). */
    USAGE_PARTITIONS_AHEAD_MONTHS: z.coerce.number().int().min(1).max(24).default(3),
    /**
     * Usage records (the basis of billing and cost settlement between members) are kept this many
     * months, at least 60 (5 years: 전자금융거래법 시행령 제12조, see the README); whole monthly
     * partitions older than that are dropped. The database refuses less whatever this says.
     */
    USAGE_RECORDS_RETENTION_MONTHS: z.coerce
      .number()
      .int()
      .min(60, 'must be at least 60 (the 5-year legal minimum for financial transaction records)')
      .max(1_200)
      .default(60),
    /** Where the control plane reaches the gateway for the verification's gateway probes (unset: those probes are a warning). */
    GATEWAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),

    /**
     * Ed25519 key that signs audit tree heads: PKCS#8 PEM, or the 32-byte seed in base64. The audit
     * log refuses to start without it in the production profile; in the demo profile a fixed, publicly known key is used.
     */
    AUDIT_SIGNING_KEY: z.string().min(1).optional(),
    /**
     * Secret from which each institution's key for prompt digests (HMAC-SHA256) is derived with
     * HKDF: at least 32 bytes, base64. Required in the production profile like AUDIT_SIGNING_KEY.
     */
    AUDIT_CONTENT_HMAC_SECRET: z
      .string()
      .refine((value) => Buffer.from(value, 'base64').length >= 32, 'must be at least 32 bytes, base64-encoded')
      .optional(),
    /**
     * Public keys of earlier audit signing keys (after a key rotation), comma-separated, each the raw
     * 32-byte Ed25519 key in padded base64 or an SPKI PEM: published with the current key so that heads
     * they signed can still be verified. Never used to sign. A private key is refused (see parseEd25519PublicKey).
     */
    AUDIT_RETIRED_PUBLIC_KEYS: z
      .string()
      .superRefine((value, context) => {
        for (const problem of publicKeyListProblems(value)) context.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** Run the audit sequencer in this process (only the holder of its advisory lock works). */
    AUDIT_SEQUENCER_ENABLED: booleanFromEnv.default(true),
    /** How often the sequencer gives new audit events their leaf indexes (ms). */
    AUDIT_SEQUENCER_INTERVAL_MS: positiveInt.default(250),
    /** A tree head is signed at most this long after new events (ms, at most 60 s). */
    AUDIT_TREE_HEAD_INTERVAL_MS: positiveInt.max(60_000).default(10_000),
    /** …and at least this often even when nothing happened (ms, at most an hour). */
    AUDIT_TREE_HEAD_HEARTBEAT_MS: positiveInt.max(3_600_000).default(3_600_000),
    /** Audit records nobody waits for (request completions, refusals) are written this often (ms). */
    AUDIT_WRITE_FLUSH_MS: positiveInt.default(200),
    /**
     * How long an idle audit writer lets a gateway admission record wait for others before writing
     * (ms): requests arriving close together then share one commit. The wait overlaps the model call.
     */
    AUDIT_GROUP_COMMIT_WINDOW_MS: z.coerce.number().int().min(0).max(50).default(5),
    /**
     * Authentication failures are aggregated: one `authentication.failure` event per (source address,
     * reason, route) per window (ms), at most AUTH_FAILURE_MAX_KEYS per window plus one overflow event.
     */
    AUTH_FAILURE_WINDOW_MS: positiveInt.default(60_000),
    AUTH_FAILURE_MAX_KEYS: positiveInt.default(1_000),
    /** Per source address: failures allowed in a burst, refilled per second; then 429 (both services). */
    AUTH_FAILURE_BURST: positiveInt.default(20),
    AUTH_FAILURE_REFILL_PER_SECOND: z.coerce.number().positive().default(1),
    /** Source addresses the brake remembers (least recently failing forgotten first). */
    AUTH_FAILURE_MAX_SOURCES: positiveInt.default(10_000),

    GRAPHQL_INTROSPECTION: booleanFromEnv.default(false),
    GRAPHQL_MAX_DEPTH: positiveInt.default(8),
    GRAPHQL_MAX_COST: positiveInt.default(5_000),
    GRAPHQL_MAX_ALIASES: positiveInt.default(15),
    GRAPHQL_MAX_BATCH: positiveInt.default(5),
    /** Size of one GraphQL document (the `query` text) in bytes, and its lexical tokens. */
    GRAPHQL_MAX_DOCUMENT_BYTES: positiveInt.default(16_384),
    GRAPHQL_MAX_TOKENS: positiveInt.default(500),
    GRAPHQL_MAX_PAGE_SIZE: positiveInt.default(100),

    /**
     * Client secrets of the institutions' service accounts (`svc-<slug>`), which the isolation
     * verification signs in with, keyed by slug; loadConfig collects them from `SVC_SECRET_<SLUG>`.
     */
    SERVICE_ACCOUNT_SECRETS: z.record(z.string(), z.string().min(1)).default({}),
  })
  .refine((config) => config.QUOTA_STORE !== 'redis' || config.REDIS_URL !== undefined, {
    path: ['REDIS_URL'],
    message: 'is required when QUOTA_STORE=redis',
  })
  .refine((config) => config.REDIS_SENTINELS === undefined || config.REDIS_URL !== undefined, {
    path: ['REDIS_URL'],
    message: 'is required with REDIS_SENTINELS (it gives the password and database)',
  })
  .refine((config) => config.GATEWAY_HEADERS_TIMEOUT_MS <= config.GATEWAY_REQUEST_TIMEOUT_MS, {
    path: ['GATEWAY_HEADERS_TIMEOUT_MS'],
    message: 'may not exceed GATEWAY_REQUEST_TIMEOUT_MS',
  });

export type AppConfig = z.infer<typeof configSchema>;
