import { messages } from './messages.ts';
import {
  codePointLength,
  firstLoneSurrogate,
  isJsonNumber,
  pythonNumberText,
  pythonStrip,
} from './python-text.ts';

export interface TextFieldRules {
  /** Strip surrounding white space (names and e-mail); passwords are taken as sent. */
  trim: boolean;
  maxLength?: number;
  /** The message for a value that is not text (the e-mail field says it is not an address). */
  notTextMessage?: string;
  /** Further validators run on the text beside the built-in ones; each returns its message or nothing. */
  validators?: readonly ((text: string) => string | undefined)[];
}

export type FieldResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/**
 * Reads one submitted value as Django REST framework's CharField does: missing, null, blank and
 * non-text values are refused with one message each; numbers become their Python text; then every
 * validator that fails adds its message (too long, NUL, lone surrogate, then the field's own).
 */
export const readTextField = (submitted: unknown, rules: TextFieldRules): FieldResult<string> => {
  if (submitted === undefined) return { ok: false, errors: [messages.required] };
  if (submitted === null) return { ok: false, errors: [messages.null] };
  if (submitted === '' || (rules.trim && typeof submitted === 'string' && pythonStrip(submitted) === '')) {
    return { ok: false, errors: [messages.blank] };
  }
  let text: string;
  if (typeof submitted === 'string') text = rules.trim ? pythonStrip(submitted) : submitted;
  else if (isJsonNumber(submitted)) text = pythonNumberText(submitted.jsonNumber);
  else return { ok: false, errors: [rules.notTextMessage ?? messages.notAString] };

  const errors: string[] = [];
  if (rules.maxLength !== undefined && codePointLength(text) > rules.maxLength) {
    errors.push(messages.maxLength(rules.maxLength));
  }
  if (text.includes('\0')) errors.push(messages.nullCharacters);
  const surrogate = firstLoneSurrogate(text);
  if (surrogate !== undefined) errors.push(messages.surrogate(surrogate));
  for (const validate of rules.validators ?? []) {
    const message = validate(text);
    if (message !== undefined) errors.push(message);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: text };
};
