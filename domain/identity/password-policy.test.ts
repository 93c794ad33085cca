import { passwordProblems } from './password-policy';

describe('password policy', () => {
  const policy = { minLength: 10 };
  it('accepts a long mixed password', () => {
    expect(passwordProblems('Correct-Horse-9', policy, 'bob@example.com')).toEqual([]);
  });
  it('refuses short, single-class and e-mail-derived passwords', () => {
    expect(passwordProblems('Ab1!', policy)).toContain('must be at least 10 characters');
    expect(passwordProblems('aaaaaaaaaaaaaa', policy)).toContain(
      'must mix at least three of: lower case, upper case, digits, symbols',
    );
    expect(passwordProblems('Bobby-Tables-1', policy, 'bobby@example.com')).toContain(
      'must not contain the e-mail name',
    );
  });
});
