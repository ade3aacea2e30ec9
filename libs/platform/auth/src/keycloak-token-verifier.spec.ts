import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError } from './auth-errors';
import { KeycloakTokenVerifier } from './keycloak-token-verifier';

// A stand-in for the realm's JWKS endpoint (the e2e suite runs the same verifier against real
// Keycloak: rotation, outage, tampered, foreign, expired tokens). Here: every refusal reason,
// exactly, and what the key cache does while the endpoint is down.
const REALM = 'test-realm';
const AUDIENCE = 'test-api';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;
}

function signingKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}

class JwksServer {
  published: SigningKey[] = [];
  mode: 'up' | 'down' | 'hang' | 'error' = 'up';
  requests = 0;
  private server: Server = createServer((req, res) => {
    this.requests++;
    if (req.url !== `/realms/${REALM}/protocol/openid-connect/certs`) return void res.writeHead(404).end();
    if (this.mode === 'down') return void req.socket.destroy();
    if (this.mode === 'hang') return;
    if (this.mode === 'error') return void res.writeHead(503).end();
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        keys: [...this.published.map((key) => key.jwk), { kty: 'EC', kid: 'not-rsa', use: 'sig' }, { kty: 'RSA', kid: 'broken', n: '!', e: 'AQAB' }],
      }),
    );
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('KeycloakTokenVerifier (keycloak-connect public API; keys and reasons beside it, typed)', () => {
  const jwks = new JwksServer();
  const current = signingKey('key-1');
  const rotated = signingKey('key-2');
  const issuer = 'http://keycloak.test';
  let verifier: KeycloakTokenVerifier;

  const token = (claims: Record<string, unknown> = {}, key: SigningKey = current, header: Record<string, unknown> = {}) => {
    const body = `${b64({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header })}.${b64({
      typ: 'Bearer',
      iss: `${issuer}/realms/${REALM}`,
      aud: [AUDIENCE, 'account'],
      exp: Math.floor(Date.now() / 1000) + 300,
      sub: 'user-1',
      ...claims,
    })}`;
    return `${body}.${sign('RSA-SHA256', Buffer.from(body), key.privateKey).toString('base64url')}`;
  };
  const reasonOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: unknown) => (error instanceof AuthError ? error.code : `untyped: ${String(error)}`),
    );
  const newVerifier = (cooldownS = 0.001) =>
    new KeycloakTokenVerifier({
      url: issuer,
      realm: REALM,
      audience: AUDIENCE,
      minTimeBetweenJwksRequestsS: cooldownS,
      keyFetchTimeoutMs: 300,
      jwksBaseUrl: jwks.url,
    });

  beforeAll(() => jwks.start());
  afterAll(() => jwks.stop());
  beforeEach(() => {
    jwks.published = [current];
    jwks.mode = 'up';
    jwks.requests = 0;
    verifier = newVerifier();
  });

  it('accepts a valid token and returns its claims', async () => {
    await expect(verifier.verify(token({ preferred_username: 'ana' }))).resolves.toMatchObject({ sub: 'user-1', preferred_username: 'ana' });
  });

  it.each([
    ['not a JWT', () => 'not-a-jwt', 'TOKEN_MALFORMED'],
    ['a header that is not JSON', () => `e30x.${b64({})}.c2ln`, 'TOKEN_MALFORMED'],
    ['no key id', () => token({}, current, { kid: undefined }), 'TOKEN_MALFORMED'],
    ['an ID token', () => token({ typ: 'ID' }), 'TOKEN_WRONG_TYPE'],
    ['expired', () => token({ exp: Math.floor(Date.now() / 1000) - 5 }), 'TOKEN_EXPIRED'],
    ['no expiry', () => token({ exp: undefined }), 'TOKEN_INVALID'],
    ['another realm', () => token({ iss: `${issuer}/realms/other` }), 'TOKEN_WRONG_ISSUER'],
    ['another audience', () => token({ aud: 'account' }), 'TOKEN_WRONG_AUDIENCE'],
    ['a key id Keycloak does not publish', () => token({}, signingKey('key-9')), 'TOKEN_UNKNOWN_KEY'],
    [
      'a payload changed after signing',
      () => {
        const [header, , signature] = token().split('.');
        return `${header}.${b64({ typ: 'Bearer', iss: `${issuer}/realms/${REALM}`, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300, sub: 'admin' })}.${signature}`;
      },
      'TOKEN_INVALID_SIGNATURE',
    ],
    ['a signature by another key under a published key id', () => token({}, { ...signingKey('x'), kid: current.kid }), 'TOKEN_INVALID_SIGNATURE'],
    ['an HMAC "signature" under a published key id', () => token({}, current, { alg: 'HS256' }).replace(/[^.]+$/, 'c2lnbmF0dXJl'), 'TOKEN_INVALID_SIGNATURE'],
  ])('refuses %s with its typed reason', async (_case, make, reason) => {
    expect(await reasonOf(verifier.verify(make()))).toBe(reason);
  });

  it('keeps verifying with cached keys while Keycloak is down, and says when a new key cannot be fetched', async () => {
    expect(await reasonOf(verifier.verify(token()))).toBe('accepted');
    for (const mode of ['down', 'hang', 'error'] as const) {
      jwks.mode = mode;
      expect(await reasonOf(verifier.verify(token()))).toBe('accepted');
      const started = performance.now();
      expect(await reasonOf(verifier.verify(token({}, rotated)))).toBe('SIGNING_KEY_UNAVAILABLE');
      expect(performance.now() - started).toBeLessThan(2_000); // bounded by keyFetchTimeoutMs
      expect(await reasonOf(verifier.checkKeys())).toBe('SIGNING_KEY_UNAVAILABLE');
    }
    jwks.mode = 'up';
    jwks.published = [current, rotated];
    expect(await reasonOf(verifier.verify(token({}, rotated)))).toBe('accepted');
    await expect(verifier.checkKeys()).resolves.toBeUndefined();
  });

  it('with a long cooldown, a new key during an outage stays "unavailable" until a fetch succeeds', async () => {
    verifier = newVerifier(60);
    expect(await reasonOf(verifier.verify(token()))).toBe('accepted');
    jwks.mode = 'down';
    await expect(verifier.checkKeys()).rejects.toThrow();
    expect(await reasonOf(verifier.verify(token({}, rotated)))).toBe('SIGNING_KEY_UNAVAILABLE'); // in the cooldown: no fetch
    expect(await reasonOf(verifier.verify(token()))).toBe('accepted');
    expect(verifier.keyFetches).toEqual({ attempted: 2, failed: 1 }); // the services' key fetch counters
    jwks.mode = 'up';
    await verifier.checkKeys();
    expect(await reasonOf(verifier.verify(token({}, rotated)))).toBe('TOKEN_UNKNOWN_KEY'); // fetched: Keycloak does not publish it
    expect(verifier.keyFetches).toEqual({ attempted: 3, failed: 1 });
  });

  it('stops accepting a key Keycloak no longer publishes, once it refetches', async () => {
    jwks.published = [current, rotated];
    expect(await reasonOf(verifier.verify(token({}, rotated)))).toBe('accepted');
    jwks.published = [current];
    await verifier.checkKeys();
    expect(await reasonOf(verifier.verify(token({}, rotated)))).toBe('TOKEN_UNKNOWN_KEY');
  });

  it('refetches for unknown key ids at most once per cooldown, concurrent misses sharing one fetch', async () => {
    verifier = newVerifier(60);
    expect(await reasonOf(verifier.verify(token()))).toBe('accepted');
    expect(jwks.requests).toBe(1);
    const made = Array.from({ length: 50 }, (_, i) => token({}, { ...current, kid: `made-up-${i}` }));
    expect(new Set(await Promise.all(made.map((t) => reasonOf(verifier.verify(t)))))).toEqual(new Set(['TOKEN_UNKNOWN_KEY']));
    expect(jwks.requests).toBe(1);

    verifier = newVerifier(60); // a fresh cache: the first miss fetches, the 19 others wait for that fetch
    jwks.requests = 0;
    await Promise.all(made.slice(0, 20).map((t) => reasonOf(verifier.verify(t))));
    expect(jwks.requests).toBe(1);
  });
});
