import { judgeServingRoleAttempts } from '../src/checks/serving-role-rules';

describe('judgeServingRoleAttempts', () => {
  it('only a refusal for lack of privilege (42501) shows the role cannot do it; success is allowed, any other error inconclusive', () => {
    const verdict = judgeServingRoleAttempts([
      { kind: 'alter', statement: 'alter table a disable row level security', refused: true, sqlstate: '42501' },
      { kind: 'set-role', statement: 'set role "ai_commons_owner"', refused: false },
      { kind: 'disable-trigger', statement: 'alter table b disable trigger user', refused: true, sqlstate: '25P02' },
      { kind: 'alter', statement: 'alter table c no force row level security', refused: true, sqlstate: '42501' },
    ]);
    expect(verdict.allowed).toEqual(['set role "ai_commons_owner"']);
    expect(verdict.inconclusive).toEqual(['alter table b disable trigger user']);
    expect(verdict.summary).toBe('alter ×2, set-role ×1, disable-trigger ×1');
  });
});
