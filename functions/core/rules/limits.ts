/**
 * The contract's limits, in one place: the rules enforce them, the OpenAPI reference documents them
 * and the signup page checks what it can before sending.
 */
export const limits = {
  emailMaxLength: 254,
  nameMaxLength: 150,
  passwordMinLength: 8,
  /** bcrypt reads only the first 72 bytes: longer passwords are refused rather than truncated silently. */
  passwordMaxBytes: 72,
} as const;
