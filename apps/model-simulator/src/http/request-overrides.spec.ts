import { OpenAiError } from './openai-error';
import { parseRequestOverrides } from './request-overrides';

describe('parseRequestOverrides', () => {
  it('returns no overrides for a request without simulator headers', () => {
    expect(parseRequestOverrides({ 'content-type': 'application/json' })).toEqual({});
  });

  it('reads every override header', () => {
    expect(
      parseRequestOverrides({
        'x-sim-ttft-ms': '250',
        'x-sim-inter-token-ms': '0',
        'x-sim-output-tokens': '42',
        'x-sim-fail': '429',
        'x-sim-stall': 'after-first-chunk',
      }),
    ).toEqual({ ttftMs: 250, interTokenMs: 0, outputTokens: 42, fail: 429, stall: 1 });
  });

  it.each([
    ['before-headers', 0],
    ['after-first-chunk', 1],
    ['5', 5],
    ['none', null],
  ])('maps x-sim-stall: %s to %p', (value, stall) => {
    expect(parseRequestOverrides({ 'x-sim-stall': value }).stall).toBe(stall);
  });

  it('maps x-sim-fail: none to "never fail"', () => {
    expect(parseRequestOverrides({ 'x-sim-fail': 'none' }).fail).toBeNull();
  });

  it.each([
    ['x-sim-ttft-ms', '-1'],
    ['x-sim-ttft-ms', '1.5'],
    ['x-sim-ttft-ms', '600001'],
    ['x-sim-output-tokens', '0'],
    ['x-sim-fail', '200'],
    ['x-sim-fail', '600'],
    ['x-sim-stall', 'later'],
    ['x-sim-inter-token-ms', ''],
  ])('rejects %s: %j as a 400 naming the header', (name, value) => {
    expect(() => parseRequestOverrides({ [name]: value })).toThrow(OpenAiError);
    try {
      parseRequestOverrides({ [name]: value });
    } catch (error) {
      expect(error).toMatchObject({ status: 400, param: name });
    }
  });
});
