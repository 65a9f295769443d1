import { describe, expect, it } from 'vitest';
import { limits } from '../../functions/core/rules/limits.ts';
import { messages } from '../../functions/core/rules/messages.ts';
import { problems } from '../../functions/http/http-problems.ts';
import { friendlyFieldMessage, friendlyFormMessage } from '../../web/friendly-messages.ts';

/** Every message the contract gives a field that a person typing into the page can get. */
const contractFieldMessages: [string, string[]][] = [
  [
    'email',
    [
      messages.required,
      messages.blank,
      messages.maxLength(limits.emailMaxLength),
      messages.invalidEmail,
      messages.emailTaken,
    ],
  ],
  ['first_name', [messages.required, messages.blank, messages.maxLength(limits.nameMaxLength)]],
  ['last_name', [messages.required, messages.blank, messages.maxLength(limits.nameMaxLength)]],
  [
    'password',
    [
      messages.required,
      messages.passwordTooShort,
      messages.passwordTooCommon,
      messages.passwordNumeric,
      messages.passwordTooSimilar('first name'),
      messages.passwordTooSimilar('last name'),
      messages.passwordTooSimilar('email address'),
      messages.passwordTooLong,
    ],
  ],
  ['password2', [messages.required, messages.passwordMismatch]],
  ['date_of_birth', [messages.dateFormat, messages.dateInFuture]],
];

describe("the signup page's words", () => {
  it.each(contractFieldMessages)(
    'has its own words for every contract message of %s',
    (field, apiMessages) => {
      const shown = apiMessages.map((apiMessage) => friendlyFieldMessage(field, apiMessage).text);

      for (const [index, text] of shown.entries())
        expect(text, apiMessages[index]).not.toBe(apiMessages[index]);
      // Blank asks for the field as missing does; any two other messages say different things.
      const distinct = apiMessages.filter((apiMessage) => apiMessage !== messages.blank);
      const texts = new Set(distinct.map((apiMessage) => friendlyFieldMessage(field, apiMessage).text));
      expect(texts.size).toBe(distinct.length);
    },
  );

  it.each([
    ['verify', 'token', [messages.required, messages.linkInvalid]],
    ['verify', 'password', [messages.required, messages.wrongPassword]],
    ['resend', 'email', [messages.required, messages.invalidEmail]],
  ] as const)("has its own words for every message of the %s form's %s", (form, field, apiMessages) => {
    const shown = apiMessages.map((apiMessage) => friendlyFieldMessage(field, apiMessage, form).text);

    for (const [index, text] of shown.entries())
      expect(text, apiMessages[index]).not.toBe(apiMessages[index]);
    expect(new Set(shown).size).toBe(apiMessages.length);
  });

  it('asks for the password chosen at signup on the verify form, not for a new one', () => {
    expect(friendlyFieldMessage('password', messages.required, 'verify').text).not.toBe(
      friendlyFieldMessage('password', messages.required).text,
    );
  });

  it("keeps the API's words for a message it does not know", () => {
    expect(friendlyFieldMessage('email', 'A rule added later.')).toEqual({ text: 'A rule added later.' });
    expect(friendlyFormMessage(400, 'No data provided')).toBe('No data provided');
  });

  it("has its own words for the service's answers that are not about one field", () => {
    for (const [status, problem] of [
      [413, problems.bodyTooLarge()],
      [503, problems.storeUnavailable(1)],
      [500, problems.serverError()],
      [409, problems.idempotencyInProgress(1)],
    ] as const) {
      const detail = String(problem.body?.detail);
      expect(friendlyFormMessage(status, detail), detail).not.toBe(detail);
    }
    expect(friendlyFormMessage(429, 'Request was throttled.')).not.toBe('Request was throttled.');
  });
});
