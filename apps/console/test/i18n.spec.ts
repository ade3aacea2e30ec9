import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { en } from '../src/i18n/messages.en';
import { ko } from '../src/i18n/messages.ko';
import { translate } from '../src/i18n/translate';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'gql' && name !== 'i18n') yield* sources(full);
    } else if (/\.tsx?$/.test(name)) yield full;
  }
}

describe('the i18n catalogue', () => {
  it('has the same keys and placeholders in English as in Korean', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ko).sort());
    for (const key of Object.keys(ko) as (keyof typeof ko)[])
      expect({ key, placeholders: placeholders(en[key]) }).toEqual({ key, placeholders: placeholders(ko[key]) });
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('ko', 'audit.count', { count: 100 })).toBe('100건 표시');
    expect(translate('en', 'verify.failed', { check: 'leaf hash mismatch' })).toBe('failed: leaf hash mismatch');
    expect(translate('en', 'audit.count')).toBe('{count} shown');
  });

  it('is where Korean text lives: no Hangul in components (the one bilingual sign-in failure message aside)', () => {
    const offenders = [...sources(path.join(__dirname, '../src'))]
      .filter((file) => !file.endsWith('main.tsx'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, index) => ({ file: path.relative(path.join(__dirname, '..'), file), line: index + 1, text: line }))
          .filter(({ text }) => /[\uac00-\ud7a3]/.test(text) && !/^\s*(\/\/|\*)/.test(text)),
      );
    expect(offenders).toEqual([]);
  });
});
