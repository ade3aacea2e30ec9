import type { Locale } from '../format/format';
import { en } from './messages.en';
import { ko, type MessageKey } from './messages.ko';

export type { MessageKey };
const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { ko, en };

/** The message for key in locale, with {name} placeholders filled in. */
export function translate(locale: Locale, key: MessageKey, values: Record<string, string | number> = {}): string {
  return CATALOGUES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Each language's name in itself (the switch shows them so in every language). */
export const LANGUAGE_NAMES: Record<Locale, string> = { ko: '한국어', en: 'English' };
