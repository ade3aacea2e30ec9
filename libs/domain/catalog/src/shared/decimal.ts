/** Normalises a non-negative decimal string (`0012.50` → `12.5`); undefined if it is not one. */
export function normaliseDecimal(value: string, maxIntegerDigits: number, maxFractionDigits: number): string | undefined {
  const match = new RegExp(`^(\\d{1,${maxIntegerDigits}})(?:\\.(\\d{1,${maxFractionDigits}}))?$`).exec(value.trim());
  if (!match) return undefined;
  const integer = match[1].replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction ? `${integer}.${fraction}` : integer;
}

/** A numeric column read back from PostgreSQL (a string) as a decimal string without padding. */
export function decimalFromColumn(value: string): string {
  return normaliseDecimal(value, 30, 30) ?? value;
}
