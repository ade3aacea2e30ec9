import { applySettingsPatch, DEFAULT_SIMULATOR_SETTINGS, InvalidSettingsError, redactSettings } from './simulator-settings';

describe('applySettingsPatch', () => {
  it('returns new frozen settings and leaves the current ones alone', () => {
    const next = applySettingsPatch(DEFAULT_SIMULATOR_SETTINGS, { ttftMs: 120, models: ['a'] });
    expect(next).toMatchObject({ ttftMs: 120, models: ['a'], outputTokens: DEFAULT_SIMULATOR_SETTINGS.outputTokens });
    expect(DEFAULT_SIMULATOR_SETTINGS.ttftMs).toBe(0);
    expect(Object.isFrozen(next)).toBe(true);
    expect(Object.isFrozen(next.models)).toBe(true);
  });

  it('ignores keys explicitly set to undefined', () => {
    expect(applySettingsPatch(DEFAULT_SIMULATOR_SETTINGS, { ttftMs: undefined })).toEqual(DEFAULT_SIMULATOR_SETTINGS);
  });

  it.each([
    [{ errorRate: 1.1 }, 'errorRate'],
    [{ stallRate: -0.1 }, 'stallRate'],
    [{ errorStatus: 302 }, 'errorStatus'],
    [{ outputTokens: 0 }, 'outputTokens'],
    [{ ttftMs: 1.5 }, 'ttftMs'],
    [{ models: [] }, 'models'],
    [{ apiKey: '' }, 'apiKey'],
    [{ port: 80 }, 'port'],
  ])('rejects %j, naming %s', (patch, field) => {
    expect(() => applySettingsPatch(DEFAULT_SIMULATOR_SETTINGS, patch)).toThrow(InvalidSettingsError);
    expect(() => applySettingsPatch(DEFAULT_SIMULATOR_SETTINGS, patch)).toThrow(field);
  });

  it('rejects a patch that is not an object', () => {
    expect(() => applySettingsPatch(DEFAULT_SIMULATOR_SETTINGS, [1])).toThrow(InvalidSettingsError);
  });
});

describe('redactSettings', () => {
  it('hides a configured key and shows that none is configured', () => {
    expect(redactSettings({ ...DEFAULT_SIMULATOR_SETTINGS, apiKey: 'secret' }).apiKey).toBe('<redacted>');
    expect(redactSettings(DEFAULT_SIMULATOR_SETTINGS).apiKey).toBeNull();
  });
});
