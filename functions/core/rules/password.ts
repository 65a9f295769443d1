import { limits } from './limits.ts';
import { messages } from './messages.ts';
import { codePointLength, pythonIsDigit, pythonStrip } from './python-text.ts';

const MAX_SIMILARITY = 0.7;
/** Python's `\W+` on str: runs of anything but letters, numbers and `_`. */
const NON_WORD_RUN = /[^\p{L}\p{N}_]+/u;
/** The same on ASCII text, where it is cheaper: V8 compiles Unicode property classes on first use (~0.4 ms). */
const ASCII_NON_WORD_RUN = /[^A-Za-z0-9_]+/;
const ASCII = /^[\x00-\x7f]*$/;
/** The standard encoder rather than Node's Buffer, so that the signup page runs these rules too. */
const utf8 = new TextEncoder();

/** What the password is compared with, in Django's order; `value` is the submitted text, stripped. */
export interface PersonalAttribute {
  name: 'first name' | 'last name' | 'email address';
  value: string;
}

/** `SequenceMatcher(a=password, b=value).quick_ratio()`: an upper bound of similarity from shared characters. */
const quickRatio = (password: readonly string[], value: readonly string[]): number => {
  const total = password.length + value.length;
  if (total === 0) return 1;
  const available = new Map<string, number>();
  for (const character of value) available.set(character, (available.get(character) ?? 0) + 1);
  let matches = 0;
  for (const character of password) {
    const left = available.get(character) ?? 0;
    if (left > 0) matches++;
    available.set(character, left - 1);
  }
  return (2 * matches) / total;
};

/** Django's shortcut: a value ten times shorter than the password can never be similar enough. */
const isFarShorter = (passwordLength: number, valueLength: number): boolean =>
  passwordLength >= 10 * valueLength && valueLength < (MAX_SIMILARITY / 2) * passwordLength;

/** Django's UserAttributeSimilarityValidator: the first attribute, or part of one, that the password resembles. */
const similarAttribute = (password: string, attributes: readonly PersonalAttribute[]): string | undefined => {
  const passwordCharacters = Array.from(password.toLowerCase());
  for (const attribute of attributes) {
    if (attribute.value === '') continue;
    const whole = attribute.value.toLowerCase();
    for (const part of [...whole.split(ASCII.test(whole) ? ASCII_NON_WORD_RUN : NON_WORD_RUN), whole]) {
      const partCharacters = Array.from(part);
      if (isFarShorter(passwordCharacters.length, partCharacters.length)) continue;
      if (quickRatio(passwordCharacters, partCharacters) >= MAX_SIMILARITY) return attribute.name;
    }
  }
  return undefined;
};

/**
 * Django's four password validators in their configured order (similarity, minimum length,
 * common, numeric), then the 72-byte limit: every message that applies.
 */
export const passwordProblems = (
  password: string,
  attributes: readonly PersonalAttribute[],
  isCommonPassword: (candidate: string) => boolean,
): string[] => {
  const problems: string[] = [];
  const similar = similarAttribute(password, attributes);
  if (similar !== undefined) problems.push(messages.passwordTooSimilar(similar));
  if (codePointLength(password) < limits.passwordMinLength) problems.push(messages.passwordTooShort);
  if (isCommonPassword(pythonStrip(password.toLowerCase()))) problems.push(messages.passwordTooCommon);
  if (pythonIsDigit(password)) problems.push(messages.passwordNumeric);
  if (utf8.encode(password).byteLength > limits.passwordMaxBytes) problems.push(messages.passwordTooLong);
  return problems;
};
