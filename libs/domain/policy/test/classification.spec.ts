import { effectivePiiSettings, resolveClassification, DEFAULT_POLICY } from '../src';

describe('resolveClassification', () => {
  it('uses the header when present, normalising case and whitespace', () => {
    expect(resolveClassification({ header: ' Personal-Credit ', apiKeyDefault: 'internal' }))
      .toEqual({ ok: true, classification: 'personal-credit', source: 'header' });
  });

  it.each([undefined, null, '', '   '])('falls back to the API key default for header %p', (header) => {
    expect(resolveClassification({ header, apiKeyDefault: 'confidential' }))
      .toEqual({ ok: true, classification: 'confidential', source: 'api-key-default' });
  });

  it('rejects an unknown header value instead of falling back', () => {
    expect(resolveClassification({ header: 'secret', apiKeyDefault: 'public' })).toEqual({
      ok: false, code: 'UNKNOWN_CLASSIFICATION', reason: 'unknown data classification; expected one of public, internal, confidential, personal-credit',
    });
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
