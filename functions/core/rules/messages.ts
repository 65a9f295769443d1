/** The contract's messages, word for word (Django REST framework's and Django's own). */
export const messages = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  notAString: 'Not a valid string.',
  nullCharacters: 'Null characters are not allowed.',
  surrogate: (codePoint: number) =>
    `Surrogate characters are not allowed: U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}.`,
  maxLength: (limit: number) => `Ensure this field has no more than ${limit} characters.`,
  invalidEmail: 'Enter a valid email address.',
  emailTaken: 'customer with this email address already exists.',
  passwordTooShort: 'This password is too short. It must contain at least 8 characters.',
  passwordTooCommon: 'This password is too common.',
  passwordNumeric: 'This password is entirely numeric.',
  passwordTooSimilar: (attribute: string) => `The password is too similar to the ${attribute}.`,
  passwordTooLong: 'This password is too long. It must contain at most 72 bytes.',
  passwordMismatch: 'The two password fields didn\u2019t match.',
  dateFormat: 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.',
  dateInFuture: 'Date of birth cannot be in the future.',
} as const;
