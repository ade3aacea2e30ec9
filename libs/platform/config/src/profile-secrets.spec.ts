import { createPrivateKey, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ConfigValidationError, loadConfig } from './load-config';
import {
  DEVELOPMENT_AUDIT_CONTENT_HMAC_SECRET,
  DEVELOPMENT_AUDIT_SIGNING_SEED,
  DEVELOPMENT_CREDENTIAL_KEK,
  demoServiceAccountSecret,
  serviceAccountSecret,
} from './profile-secrets';

const database = { DATABASE_APP_URL: 'postgres://app@127.0.0.1:5432/aic' };
const ownSecrets = {
  CREDENTIAL_KEK: randomBytes(32).toString('base64'),
  AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
  AUDIT_CONTENT_HMAC_SECRET: randomBytes(32).toString('base64'),
};

function bootProblems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  return [];
}

const pemOfSeed = (seedBase64: string): string =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedBase64, 'base64')]),
    format: 'der',
    type: 'pkcs8',
  })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();

describe('AI_COMMONS_PROFILE', () => {
  it('is production unless set, and production with nothing configured names every missing secret in one boot error', () => {
    const problems = bootProblems({ ...database, NODE_ENV: 'development' });
    expect(problems).toEqual(
      expect.arrayContaining(
        ['CREDENTIAL_KEK', 'AUDIT_SIGNING_KEY', 'AUDIT_CONTENT_HMAC_SECRET'].map(
          (name) => `${name}: is required in the production profile (AI_COMMONS_PROFILE=demo only for the demo)`,
        ),
      ),
    );
    expect(loadConfig({ ...database, ...ownSecrets }).AI_COMMONS_PROFILE).toBe('production');
  });

  it('lists the secret problems together with the other problems of the environment', () => {
    const problems = bootProblems({ ...database, CONTROL_PLANE_PORT: '70000' });
    expect(problems.some((problem) => problem.startsWith('CONTROL_PLANE_PORT'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('CREDENTIAL_KEK'))).toBe(true);
  });

  it('accepts only demo and production; anything else is refused and still checked as production', () => {
    const problems = bootProblems({ ...database, AI_COMMONS_PROFILE: 'Demo' });
    expect(problems.some((problem) => problem.startsWith('AI_COMMONS_PROFILE'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('CREDENTIAL_KEK: is required'))).toBe(true);
  });

  it('the demo profile boots with no secret at all', () => {
    expect(loadConfig({ ...database, AI_COMMONS_PROFILE: 'demo' }).AI_COMMONS_PROFILE).toBe('demo');
  });
});

describe('production refuses each demo secret at boot', () => {
  const demoValues: [string, string][] = [
    ['CREDENTIAL_KEK', DEVELOPMENT_CREDENTIAL_KEK],
    ['CREDENTIAL_KEK', DEVELOPMENT_CREDENTIAL_KEK.replace(/=+$/, '')],
    ['AUDIT_SIGNING_KEY', DEVELOPMENT_AUDIT_SIGNING_SEED],
    ['AUDIT_SIGNING_KEY', pemOfSeed(DEVELOPMENT_AUDIT_SIGNING_SEED)],
    ['AUDIT_CONTENT_HMAC_SECRET', DEVELOPMENT_AUDIT_CONTENT_HMAC_SECRET],
    ['AUDIT_CONTENT_HMAC_SECRET', DEVELOPMENT_AUDIT_CONTENT_HMAC_SECRET.replace(/\+/g, '-').replace(/\//g, '_')],
  ];

  it.each(demoValues)('%s = the demo value (%#)', (name, value) => {
    const problems = bootProblems({ ...database, ...ownSecrets, [name]: value });
    expect(problems).toEqual([`${name}: is the publicly known demo value; production needs its own secret`]);
    expect(problems.join('\n')).not.toContain(value);
  });

  it.each(['hanbit-bank', 'nuri-insurance', 'gaon-securities', 'any-new-member'])('SVC_SECRET_<slug> = <slug>-demo-secret (%s)', (slug) => {
    const variable = `SVC_SECRET_${slug.toUpperCase().replace(/-/g, '_')}`;
    expect(bootProblems({ ...database, ...ownSecrets, [variable]: demoServiceAccountSecret(slug) })).toEqual([
      `${variable}: is the publicly known demo value; production needs its own secret`,
    ]);
    expect(bootProblems({ ...database, ...ownSecrets, [variable]: ' Demo-Password ' })).toHaveLength(1);
  });

  it('accepts secrets of its own, whatever they are', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 64 }),
        (kek, seed, hmac) => {
          const env = {
            ...database,
            CREDENTIAL_KEK: Buffer.from(kek).toString('base64'),
            AUDIT_SIGNING_KEY: Buffer.from(seed).toString('base64'),
            AUDIT_CONTENT_HMAC_SECRET: Buffer.from(hmac).toString('base64'),
          };
          fc.pre(!Buffer.from(kek).equals(Buffer.from(DEVELOPMENT_CREDENTIAL_KEK, 'base64')));
          expect(bootProblems(env)).toEqual([]);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('service-account secrets of the isolation verification', () => {
  it('come from SVC_SECRET_<SLUG>; the demo realm secret only in the demo profile, none in production', () => {
    const production = loadConfig({ ...database, ...ownSecrets, SVC_SECRET_HANBIT_BANK: 'a-real-secret' });
    expect(serviceAccountSecret(production, 'hanbit-bank')).toBe('a-real-secret');
    expect(serviceAccountSecret(production, 'nuri-insurance')).toBeUndefined();
    const demo = loadConfig({ ...database, AI_COMMONS_PROFILE: 'demo' });
    expect(serviceAccountSecret(demo, 'nuri-insurance')).toBe('nuri-insurance-demo-secret');
  });
});
