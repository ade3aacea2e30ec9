import { CatalogError } from '../shared/catalog-errors';
import { normaliseDecimal } from '../shared/decimal';
import { validText } from '../shared/field-validation';
import { MODALITIES, type Modality, type RegisterModelCommand } from './model.model';

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

export function validModelName(name: string): string {
  const trimmed = name.trim();
  if (!MODEL_NAME.test(trimmed)) {
    throw new CatalogError('INVALID_MODEL_NAME', 'name must be 1-128 characters: letters, digits and . _ : / -, starting with a letter or digit', { name });
  }
  return trimmed;
}

export function validContextWindow(value: number): number {
  if (!Number.isInteger(value) || value <= 0 || value > 100_000_000) {
    throw new CatalogError('INVALID_CONTEXT_WINDOW', 'contextWindow must be a positive whole number of tokens', { value });
  }
  return value;
}

/** Billions of parameters, up to two decimals; unknown (null) for many commercial models. */
export function validParameterCount(value: number | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (!Number.isFinite(value) || value <= 0 || value >= 100_000_000 || Math.round(value * 100) / 100 !== value) {
    throw new CatalogError('INVALID_PARAMETER_COUNT', 'parameterCountBillions must be positive, with at most 2 decimals', {
      value,
    });
  }
  return String(value);
}

export function validMmluScore(value: number | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (!Number.isFinite(value) || value < 0 || value > 100 || Math.round(value * 100) / 100 !== value) {
    throw new CatalogError('INVALID_MMLU_SCORE', 'mmluScore must be between 0 and 100, with at most 2 decimals', { value });
  }
  return String(value);
}

/** KRW per 1,000 tokens: a non-negative decimal string with at most 10 integer and 4 decimal digits. */
export function validPrice(field: string, value: string | null | undefined): string {
  if (value === undefined || value === null) return '0';
  const normalised = normaliseDecimal(value, 10, 4);
  if (normalised === undefined) {
    throw new CatalogError('INVALID_PRICE', `${field} must be a non-negative KRW amount with at most 4 decimals`, {
      field,
      value,
    });
  }
  return normalised;
}

export function validModalities(values: Modality[] | null | undefined): Modality[] {
  if (values === undefined || values === null) return ['text'];
  const unique = [...new Set(values)];
  if (unique.length === 0 || unique.length !== values.length || unique.some((value) => !MODALITIES.includes(value))) {
    throw new CatalogError('INVALID_MODALITIES', `modalities must be a non-empty list of distinct values of ${MODALITIES.join(', ')}`, {
      values,
    });
  }
  return unique;
}

/** The column values of a new model, or the first problem with the command. */
export function validRegisterModel(command: RegisterModelCommand) {
  return {
    name: validModelName(command.name),
    family: validText('family', command.family, 100),
    kind: command.kind,
    provider: validText('provider', command.provider),
    licence: validText('licence', command.licence),
    parameterCountBillions: validParameterCount(command.parameterCountBillions),
    contextWindow: validContextWindow(command.contextWindow),
    modalities: validModalities(command.modalities),
    mmluScore: validMmluScore(command.mmluScore),
    priceInputPer1kTokensKrw: validPrice('priceInputPer1kTokensKrw', command.priceInputPer1kTokensKrw),
    priceOutputPer1kTokensKrw: validPrice('priceOutputPer1kTokensKrw', command.priceOutputPer1kTokensKrw),
  };
}
