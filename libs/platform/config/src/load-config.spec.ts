import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { parsePublicKeyList } from './ed25519-public-key-list';
import { loadConfig, ConfigValidationError } from './load-config';

const minimal = {
  AI_COMMONS_PROFILE: 'demo',
  DATABASE_URL: 'postgres://owner@127.0.0.1:5432/aic',
  DATABASE_APP_URL: 'postgres://app@127.0.0.1:5432/aic',
};

describe('loadConfig', () => {
  it('applies defaults to a minimal environment', () => {
    const config = loadConfig(minimal);
    expect(config.CONTROL_PLANE_PORT).toBe(4000);
    expect(config.KEYCLOAK_REALM).toBe('ai-commons');
    expect(config.GRAPHQL_INTROSPECTION).toBe(false);
  });

  it('coerces numbers and booleans', () => {
    const config = loadConfig({ ...minimal, CONTROL_PLANE_PORT: '4123', GRAPHQL_INTROSPECTION: 'true' });
    expect(config.CONTROL_PLANE_PORT).toBe(4123);
    expect(config.GRAPHQL_INTROSPECTION).toBe(true);
  });

  it('lists every problem in one readable error', () => {
    let caught: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', CONTROL_PLANE_PORT: '70000', GRAPHQL_INTROSPECTION: 'maybe' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const message = (caught as Error).message;
    expect(message).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(message).toContain('DATABASE_APP_URL');
    expect(message).toContain('CONTROL_PLANE_PORT');
    expect(message).toContain('GRAPHQL_INTROSPECTION');
  });

  it('reads Redis Sentinels as host:port entries, needs REDIS_URL with them, and refuses a malformed list at boot', () => {
    const config = loadConfig({
      ...minimal,
      QUOTA_STORE: 'redis',
      REDIS_URL: 'redis://:pw@ignored:6379/2',
      REDIS_SENTINELS: 'valkey-0.valkey:26379,valkey-1.valkey:26379',
    });
    expect(config.REDIS_SENTINELS).toEqual([
      { host: 'valkey-0.valkey', port: 26379 },
      { host: 'valkey-1.valkey', port: 26379 },
    ]);
    expect(config.REDIS_SENTINEL_MASTER).toBe('ai-commons');
    expect(() => loadConfig({ ...minimal, REDIS_SENTINELS: 'valkey-0:26379' })).toThrow(/REDIS_URL: is required with REDIS_SENTINELS/);
    expect(() => loadConfig({ ...minimal, REDIS_URL: 'redis://x:6379', REDIS_SENTINELS: 'valkey-0:26379,valkey-1' })).toThrow(
      /REDIS_SENTINELS: "valkey-1" is not host:port/,
    );
  });
});

describe('gateway request edge', () => {
  it('bounds JSON nesting and the time a client has to send its request, by default and as configured', () => {
    expect(loadConfig(minimal)).toMatchObject({ GATEWAY_MAX_JSON_DEPTH: 64, GATEWAY_HEADERS_TIMEOUT_MS: 10_000, GATEWAY_REQUEST_TIMEOUT_MS: 30_000 });
    expect(
      loadConfig({ ...minimal, GATEWAY_MAX_JSON_DEPTH: '32', GATEWAY_HEADERS_TIMEOUT_MS: '2000', GATEWAY_REQUEST_TIMEOUT_MS: '2000' }).GATEWAY_MAX_JSON_DEPTH,
    ).toBe(32);
  });

  it('refuses no limit, a huge one, and a headers timeout longer than the request timeout', () => {
    expect(() => loadConfig({ ...minimal, GATEWAY_MAX_JSON_DEPTH: '0' })).toThrow(/GATEWAY_MAX_JSON_DEPTH/);
    expect(() => loadConfig({ ...minimal, GATEWAY_MAX_JSON_DEPTH: '100000' })).toThrow(/GATEWAY_MAX_JSON_DEPTH/);
    expect(() => loadConfig({ ...minimal, GATEWAY_REQUEST_TIMEOUT_MS: '0' })).toThrow(/GATEWAY_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ ...minimal, GATEWAY_HEADERS_TIMEOUT_MS: '20000', GATEWAY_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /GATEWAY_HEADERS_TIMEOUT_MS: may not exceed GATEWAY_REQUEST_TIMEOUT_MS/,
    );
  });
});

describe('ISOLATION_RUN_SWEEP_MS', () => {
  it('sweeps every 30 s by default, as configured otherwise, and refuses no sweep or a non-number at boot', () => {
    expect(loadConfig(minimal).ISOLATION_RUN_SWEEP_MS).toBe(30_000);
    expect(loadConfig({ ...minimal, ISOLATION_RUN_SWEEP_MS: '500' }).ISOLATION_RUN_SWEEP_MS).toBe(500);
    for (const bad of ['0', '-1', 'soon', '3600001']) expect(() => loadConfig({ ...minimal, ISOLATION_RUN_SWEEP_MS: bad })).toThrow(/ISOLATION_RUN_SWEEP_MS/);
  });
});

describe('CREDENTIAL_KEK', () => {
  it('must be 32 bytes and is required in production', () => {
    expect(() => loadConfig({ ...minimal, CREDENTIAL_KEK: Buffer.alloc(16).toString('base64') })).toThrow(/32 bytes/);
    expect(() => loadConfig({ ...minimal, AI_COMMONS_PROFILE: 'production' })).toThrow(/CREDENTIAL_KEK: is required in the production profile/);
  });
});

describe('AUDIT_RETIRED_PUBLIC_KEYS', () => {
  const rawBase64 = (key: KeyObject): string => key.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
  const pem = (key: KeyObject): string => key.export({ format: 'pem', type: 'spki' }).toString();

  it('accepts comma-separated raw base64 Ed25519 keys and PEMs', () => {
    const value = `${rawBase64(ed25519PublicKey(1))}, ${pem(ed25519PublicKey(3))}`;
    expect(loadConfig({ ...minimal, AUDIT_RETIRED_PUBLIC_KEYS: value }).AUDIT_RETIRED_PUBLIC_KEYS).toBe(value);
  });

  it('names each entry that is not an Ed25519 public key in the boot error', () => {
    const rsa = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
    let message = '';
    try {
      loadConfig({ ...minimal, AUDIT_RETIRED_PUBLIC_KEYS: `${rawBase64(ed25519PublicKey(1))},${Buffer.alloc(16).toString('base64')},not a key!,${rsa}` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('AUDIT_RETIRED_PUBLIC_KEYS: key 2: a raw Ed25519 public key is 32 bytes, this one 16');
    expect(message).toContain('AUDIT_RETIRED_PUBLIC_KEYS: key 3: neither a PEM nor base64');
    expect(message).toContain('AUDIT_RETIRED_PUBLIC_KEYS: key 4: a rsa key, not Ed25519');
    expect(message).not.toContain('key 1:');
  });

  it('refuses a private key PEM at boot instead of deriving its public half, saying a private key must never be configured there', () => {
    const privatePem = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 5)]),
      format: 'der',
      type: 'pkcs8',
    })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(privatePem).toContain('-----BEGIN PRIVATE KEY-----');
    const error = bootError({ ...minimal, AUDIT_RETIRED_PUBLIC_KEYS: `${rawBase64(ed25519PublicKey(1))},${privatePem}` });
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.message).toContain('AUDIT_RETIRED_PUBLIC_KEYS: key 2: a private key; a private key must never be configured here');
    expect(error.message).not.toContain('key 1:');
    expect(error.message).not.toContain(privatePem.split('\n')[1]);
  });

  it('refuses unpadded base64 at boot with a readable message, as the audit log would (one parser for both)', () => {
    const padded = rawBase64(ed25519PublicKey(1));
    const unpadded = padded.replace(/=+$/, '');
    expect(unpadded).toHaveLength(43);
    const error = bootError({ ...minimal, AUDIT_RETIRED_PUBLIC_KEYS: unpadded });
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.message).toContain('AUDIT_RETIRED_PUBLIC_KEYS: key 1: base64 without its "=" padding');
    // The list parser the audit log imports its retired keys with gives the same verdict, and the same keys for what passes.
    expect(() => parsePublicKeyList(unpadded)).toThrow('key 1: base64 without its "=" padding');
    expect(parsePublicKeyList(`${padded}, ${pem(ed25519PublicKey(3))}`).map((key) => rawBase64(key))).toEqual([padded, rawBase64(ed25519PublicKey(3))]);
  });
});

function bootError(env: Record<string, string | undefined>): Error {
  try {
    loadConfig(env);
  } catch (error) {
    return error as Error;
  }
  throw new Error('loadConfig accepted the configuration');
}

/** A fixed Ed25519 public key from a 32-byte seed of `seedByte` (PKCS#8 DER prefix of RFC 8410). */
function ed25519PublicKey(seedByte: number): KeyObject {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seedByte)]);
  return createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
}

describe('OpenTelemetry tracing settings', () => {
  it('is off by default and takes an OTLP/HTTP endpoint, a body encoding (protobuf by default) and a sampling ratio (5 % by default)', () => {
    expect(loadConfig(minimal)).toMatchObject({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_TRACES_SAMPLER_ARG: 0.05 });
    expect(loadConfig({ ...minimal, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/json');
    expect(loadConfig(minimal).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    const config = loadConfig({ ...minimal, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    expect(config).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER_ARG: 0.25 });
  });

  it('refuses a non-HTTP endpoint, another protocol and a ratio outside 0–1 at boot', () => {
    expect(() => loadConfig({ ...minimal, OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/,
    );
    expect(() => loadConfig({ ...minimal, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
    expect(() => loadConfig({ ...minimal, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf or http\/json/);
    expect(() => loadConfig({ ...minimal, OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});
