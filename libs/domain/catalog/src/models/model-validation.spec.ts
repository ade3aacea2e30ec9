import fc from 'fast-check';
import type { CatalogError } from '../shared/catalog-errors';
import { validModalities, validModelName, validMmluScore, validParameterCount, validPrice, validRegisterModel } from './model-validation';

const reason = (code: string) => expect.objectContaining({ code }) as CatalogError;

describe('model validation', () => {
  it('accepts the demo model shapes', () => {
    expect(
      validRegisterModel({
        name: 'gpt-4o',
        family: 'GPT-4o',
        kind: 'commercial',
        provider: 'OpenAI via Microsoft Azure',
        licence: 'terms',
        contextWindow: 128000,
        mmluScore: 88.7,
        priceInputPer1kTokensKrw: '3.50',
        priceOutputPer1kTokensKrw: '014',
      }),
    ).toMatchObject({
      parameterCountBillions: null,
      mmluScore: '88.7',
      modalities: ['text'],
      priceInputPer1kTokensKrw: '3.5',
      priceOutputPer1kTokensKrw: '14',
    });
  });

  it('gives a specific reason for each bad field', () => {
    expect(() => validModelName('bad name')).toThrow(reason('INVALID_MODEL_NAME'));
    expect(() => validParameterCount(0)).toThrow(reason('INVALID_PARAMETER_COUNT'));
    expect(() => validParameterCount(1.234)).toThrow(reason('INVALID_PARAMETER_COUNT'));
    expect(() => validMmluScore(100.5)).toThrow(reason('INVALID_MMLU_SCORE'));
    expect(() => validMmluScore(-1)).toThrow(reason('INVALID_MMLU_SCORE'));
    expect(() => validModalities([])).toThrow(reason('INVALID_MODALITIES'));
    expect(() => validModalities(['text', 'text'])).toThrow(reason('INVALID_MODALITIES'));
    for (const bad of ['-1', '1e3', '0.12345', 'abc', '12345678901']) expect(() => validPrice('p', bad)).toThrow(reason('INVALID_PRICE'));
    expect(() => validRegisterModel({ name: 'm', family: ' ', kind: 'open', provider: 'p', licence: 'l', contextWindow: 1 })).toThrow(
      reason('INVALID_TEXT_FIELD'),
    );
    expect(() => validRegisterModel({ name: 'm', family: 'f', kind: 'open', provider: 'p', licence: 'l', contextWindow: 0 })).toThrow(
      reason('INVALID_CONTEXT_WINDOW'),
    );
  });

  it('normalises any price with up to 10 integer and 4 decimal digits (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n - 1n }), (units) => {
        const text = `${units / 10000n}.${(units % 10000n).toString().padStart(4, '0')}`;
        const normalised = validPrice('p', text);
        expect(Number(normalised)).toBeCloseTo(Number(units) / 10000, 4);
        expect(normalised).not.toMatch(/\.$|\.\d*0$|^0\d/);
      }),
      { numRuns: 200 },
    );
  });
});
