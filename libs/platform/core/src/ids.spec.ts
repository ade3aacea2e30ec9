import { isUuid } from './ids';

describe('isUuid', () => {
  it.each(['5f0c5b8e-8d53-4b53-9d3c-3b1f5a0c0d01', '00000000-0000-0000-0000-000000000000', 'ABCDEF00-0000-0000-0000-000000000000'])('accepts %s', (id) => {
    expect(isUuid(id)).toBe(true);
  });
  it.each([
    'not-a-uuid',
    '',
    '00000000-0000-0000-0000-00000000000g',
    '00000000-0000-0000-0000-000000000000\u0000',
    ' 00000000-0000-0000-0000-000000000000',
    12,
  ])('refuses %j', (id) => {
    expect(isUuid(id)).toBe(false);
  });
});
