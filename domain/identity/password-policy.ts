export interface PasswordPolicy {
  minLength: number;
}

/** Reasons a password is refused; empty when it is acceptable. */
export function passwordProblems(password: string, policy: PasswordPolicy, email?: string): string[] {
  const problems: string[] = [];
  if (password.length < policy.minLength) problems.push(`must be at least ${policy.minLength} characters`);
  if (password.length > 256) problems.push('must be at most 256 characters');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) problems.push('must mix at least three of: lower case, upper case, digits, symbols');
  if (email && password.toLowerCase().includes(email.split('@')[0].toLowerCase())) {
    problems.push('must not contain the e-mail name');
  }
  return problems;
}
