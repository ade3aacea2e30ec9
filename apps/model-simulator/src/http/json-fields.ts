import { invalidRequest, invalidType } from './openai-error';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional integer field: absent or null gives null; otherwise it must be an integer >= minimum. */
export function optionalInteger(body: JsonObject, field: string, minimum: number): number | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidType(field, 'an integer', value);
  if (value < minimum) {
    throw invalidRequest(
      `Invalid '${field}': integer below minimum value. Expected a value >= ${minimum}, but got ${value} instead.`,
      field,
      'integer_below_min_value',
    );
  }
  return value;
}

export function optionalBoolean(body: JsonObject, field: string, param = field): boolean | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw invalidType(param, 'a boolean', value);
  return value;
}
