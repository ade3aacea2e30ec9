import fc from 'fast-check';
import { CLASSIFICATIONS, TOKEN_DEFAULT_CLASSIFICATION, classificationRank, effectivePiiSettings, resolveClassification, DEFAULT_POLICY } from '../src';

describe('resolveClassification', () => {
  it('uses the header when present, normalising case and whitespace', () => {
    expect(resolveClassification({ header: ' Personal-Credit ', apiKeyDefault: 'internal' })).toEqual({
      ok: true,
      classification: 'personal-credit',
      source: 'header',
      floor: 'internal',
    });
  });

  it.each([undefined, null])('falls back to the API key default for header %p', (header) => {
    expect(resolveClassification({ header, apiKeyDefault: 'confidential' })).toEqual({
      ok: true,
      classification: 'confidential',
      source: 'api-key-default',
      floor: 'confidential',
    });
  });

  it.each(['', '   '])('refuses a blank header %p instead of falling back', (header) => {
    expect(resolveClassification({ header, apiKeyDefault: 'public' })).toMatchObject({ ok: false, code: 'UNKNOWN_CLASSIFICATION' });
  });

  it('rejects an unknown header value instead of falling back', () => {
    expect(resolveClassification({ header: 'secret', apiKeyDefault: 'public' })).toEqual({
      ok: false,
      code: 'UNKNOWN_CLASSIFICATION',
      reason: 'unknown data classification; expected one of public, internal, confidential, personal-credit',
    });
  });

  it("refuses a header below the API key's default: the default is a floor", () => {
    expect(resolveClassification({ header: 'public', apiKeyDefault: 'personal-credit' })).toMatchObject({
      ok: false,
      code: 'BELOW_FLOOR',
      requested: 'public',
      floor: 'personal-credit',
      floorSource: 'api-key-default',
    });
  });

  it("applies the institution's floor to every key, and to callers without a key", () => {
    expect(resolveClassification({ apiKeyDefault: 'public', institutionFloor: 'confidential' })).toEqual({
      ok: true,
      classification: 'confidential',
      source: 'institution-floor',
      floor: 'confidential',
    });
    expect(resolveClassification({ header: 'internal', apiKeyDefault: 'public', institutionFloor: 'confidential' })).toMatchObject({
      ok: false,
      code: 'BELOW_FLOOR',
      floor: 'confidential',
      floorSource: 'institution-floor',
    });
    expect(resolveClassification({ header: 'public' })).toEqual({ ok: true, classification: 'public', source: 'header', floor: 'public' });
    expect(resolveClassification({})).toEqual({ ok: true, classification: TOKEN_DEFAULT_CLASSIFICATION, source: 'token-default', floor: 'public' });
    expect(resolveClassification({ header: 'public', institutionFloor: 'internal' })).toMatchObject({ ok: false, code: 'BELOW_FLOOR', floor: 'internal' });
  });

  it('never resolves below the key default or the institution floor, and a header can only raise (property)', () => {
    const label = fc.constantFrom(...CLASSIFICATIONS);
    fc.assert(
      fc.property(
        fc.option(label, { nil: undefined }),
        fc.option(label, { nil: null }),
        fc.option(label, { nil: undefined }),
        (apiKeyDefault, institutionFloor, header) => {
          const resolution = resolveClassification({ header, apiKeyDefault, institutionFloor });
          const floorRank = Math.max(classificationRank(apiKeyDefault ?? 'public'), classificationRank(institutionFloor ?? 'public'));
          if (header !== undefined && classificationRank(header) < floorRank) {
            expect(resolution).toMatchObject({ ok: false, code: 'BELOW_FLOOR' });
            return;
          }
          expect(resolution.ok).toBe(true);
          if (!resolution.ok) return;
          expect(classificationRank(resolution.classification)).toBeGreaterThanOrEqual(floorRank);
          if (header !== undefined) expect(resolution.classification).toBe(header);
        },
      ),
    );
  });
});

describe('effectivePiiSettings', () => {
  const { defaults } = DEFAULT_POLICY.pii;

  it('takes the institution setting where given and the default elsewhere', () => {
    const settings = effectivePiiSettings(defaults, DEFAULT_POLICY.pii.minimumModes, { card: { mode: 'block' }, rrn: { validateChecksum: false } });
    expect(settings).toEqual({
      rrn: { mode: 'mask', validateChecksum: false },
      card: { mode: 'block', requireKnownIin: false },
      bankAccount: { mode: 'mask' },
      phone: { mode: 'mask' },
    });
  });

  it('raises a setting below the minimum to the minimum, and leaves stronger ones', () => {
    const minimum = { rrn: 'block', card: 'mask', bankAccount: 'off', phone: 'off' } as const;
    const settings = effectivePiiSettings(defaults, minimum, { rrn: { mode: 'off' }, card: { mode: 'block' }, phone: { mode: 'off' } });
    expect([settings.rrn.mode, settings.card.mode, settings.bankAccount.mode, settings.phone.mode]).toEqual(['block', 'block', 'mask', 'off']);
  });
});
