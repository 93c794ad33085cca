/** The profile fields an operator can make required (run-time setting profileRequiredFields). */
export const profileFields = ['phone', 'department', 'companyName', 'companyAddress'] as const;
export type ProfileField = (typeof profileFields)[number];

/** A field is filled when it holds something other than blanks. */
export const filled = (v: string | null | undefined): boolean => typeof v === 'string' && v.trim() !== '';

/** The required fields the user has not filled, in the order of `required`. */
export function profileMissing(
  user: Partial<Record<ProfileField, string | null | undefined>>,
  required: readonly ProfileField[],
): ProfileField[] {
  return required.filter((f) => !filled(user[f]));
}
