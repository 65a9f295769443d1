import type { SignupCustomer } from '../customer.ts';
import { readDateOfBirth } from './date-of-birth.ts';
import { isValidEmail, normalizeEmail } from './email.ts';
import { emailKey } from './email-key.ts';
import { limits } from './limits.ts';
import { messages } from './messages.ts';
import { type PersonalAttribute, passwordProblems } from './password.ts';
import { pythonStrip } from './python-text.ts';
import { slugBase, type Transliterate } from './slug.ts';
import { type FieldResult, readTextField } from './text-field.ts';

export const signupFields = [
  'email',
  'first_name',
  'last_name',
  'password',
  'password2',
  'date_of_birth',
] as const;
export type SignupField = (typeof signupFields)[number];
/** Each field's messages; the signup's fields unless told otherwise. */
export type FieldErrors<Field extends string = SignupField> = Partial<Record<Field, string[]>>;

/**
 * The submitted fields as parsed: strings, booleans, null, arrays, objects, and numbers as
 * `JsonNumber` (their literal text, since Python's `str()` of `1.0` is "1.0"). Absent fields are undefined.
 */
export type SubmittedFields = Readonly<Partial<Record<string, unknown>>>;

/** A signup whose every field is valid: the customer's fields, and what the store needs besides. */
export type ValidSignup = SignupCustomer & {
  emailKey: string;
  password: string;
  slugBase: string;
};

export interface SignupCheck {
  /** Every field's messages, as the contract reports them all at once. */
  errors: FieldErrors;
  /** Present when the e-mail itself is valid, so that its being taken can still be reported. */
  emailKey?: string;
  /** Present when there are no errors. */
  signup?: ValidSignup;
}

export interface SignupRules {
  /** Today's date in UTC, `YYYY-MM-DD`: birth dates after it are refused. */
  today: string;
  isCommonPassword: (candidate: string) => boolean;
  transliterate: Transliterate;
}

/** The submitted text of an attribute the password must not resemble, as Django reads it: stripped, or nothing. */
const submittedText = (value: unknown): string => (typeof value === 'string' ? pythonStrip(value) : '');

/** The e-mail field's rule: the address as stored and returned (domain lower-cased), or its messages. */
export const readEmail = (submitted: unknown): FieldResult<string> => {
  const field = readTextField(submitted, {
    trim: true,
    maxLength: limits.emailMaxLength,
    notTextMessage: messages.invalidEmail,
    validators: [(text) => (isValidEmail(text) ? undefined : messages.invalidEmail)],
  });
  return field.ok ? { ok: true, value: normalizeEmail(field.value) } : field;
};

/** Every field rule of the contract; the e-mail's being taken is for the caller to add. */
export const checkSignup = (submitted: SubmittedFields, rules: SignupRules): SignupCheck => {
  const errors: FieldErrors = {};

  const emailField = readEmail(submitted.email);
  if (!emailField.ok) errors.email = emailField.errors;
  const email = emailField.ok ? emailField.value : undefined;

  const firstName = readTextField(submitted.first_name, { trim: true, maxLength: limits.nameMaxLength });
  if (!firstName.ok) errors.first_name = firstName.errors;
  const lastName = readTextField(submitted.last_name, { trim: true, maxLength: limits.nameMaxLength });
  if (!lastName.ok) errors.last_name = lastName.errors;

  const password = readTextField(submitted.password, { trim: false });
  if (!password.ok) errors.password = password.errors;
  else {
    const attributes: PersonalAttribute[] = [
      { name: 'first name', value: submittedText(submitted.first_name) },
      { name: 'last name', value: submittedText(submitted.last_name) },
      { name: 'email address', value: submittedText(submitted.email) },
    ];
    const problems = passwordProblems(password.value, attributes, rules.isCommonPassword);
    if (problems.length > 0) errors.password = problems;
  }

  const password2 = readTextField(submitted.password2, { trim: false });
  if (!password2.ok) errors.password2 = password2.errors;
  else if (
    typeof submitted.password === 'string' &&
    submitted.password !== '' &&
    submitted.password !== password2.value
  ) {
    errors.password2 = [messages.passwordMismatch];
  }

  const dateOfBirth = readDateOfBirth(submitted.date_of_birth, rules.today);
  if (!dateOfBirth.ok) errors.date_of_birth = dateOfBirth.errors;

  if (email === undefined) return { errors };
  const key = emailKey(email);
  if (!firstName.ok || !lastName.ok || !password.ok || !dateOfBirth.ok || Object.keys(errors).length > 0) {
    return { errors, emailKey: key };
  }
  return {
    errors,
    emailKey: key,
    signup: {
      email,
      emailKey: key,
      first_name: firstName.value,
      last_name: lastName.value,
      password: password.value,
      date_of_birth: dateOfBirth.value,
      slugBase: slugBase(firstName.value, lastName.value, rules.transliterate),
    },
  };
};
