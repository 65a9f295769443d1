/**
 * What the page says for the API's messages it knows. The API keeps Django's words (its contract);
 * a customer reads these. A message the page does not know is shown in the API's own words.
 */

import { limits } from '../functions/core/rules/limits.ts';
import { messages } from '../functions/core/rules/messages.ts';
import { problems } from '../functions/http/http-problems.ts';

export interface FriendlyMessage {
  text: string;
  /** The address is taken: the customer probably has an account already. */
  offerSignIn?: boolean;
}

/** The page's forms: the same field asks for different things in each. */
export type PageForm = 'signup' | 'verify' | 'resend';

/** What a missing, blank or null field asks for, in each form. */
const missing: Record<PageForm, Record<string, string>> = {
  signup: {
    email: 'Enter your email address.',
    first_name: 'Enter your first name.',
    last_name: 'Enter your last name.',
    password: 'Choose a password.',
    password2: 'Type your password again.',
    date_of_birth: 'Enter your date of birth, or leave it empty.',
  },
  verify: {
    token: 'This link is incomplete. Open it again from the email we sent you.',
    password: 'Enter the password you chose when you signed up.',
  },
  resend: {
    email: 'We need your email address to send a new link. Sign up again to enter it.',
  },
};

const similarTo = (attribute: string) => `Too close to your ${attribute}. Choose something less personal.`;

const fieldTexts: Record<string, string> = {
  [messages.nullCharacters]: 'Remove the unusual characters from this field.',
  [messages.maxLength(limits.emailMaxLength)]: `Use at most ${limits.emailMaxLength} characters.`,
  [messages.maxLength(limits.nameMaxLength)]: `Use at most ${limits.nameMaxLength} characters.`,
  [messages.invalidEmail]: 'Enter an email address like name@example.com.',
  [messages.passwordTooShort]: `Use at least ${limits.passwordMinLength} characters.`,
  [messages.passwordTooCommon]: "This password is too easy to guess: it's one that many people use.",
  [messages.passwordNumeric]: 'Add letters or symbols: a password of only numbers is too easy to guess.',
  [messages.passwordTooSimilar('first name')]: similarTo('first name'),
  [messages.passwordTooSimilar('last name')]: similarTo('last name'),
  [messages.passwordTooSimilar('email address')]: similarTo('email address'),
  [messages.passwordTooLong]: `Use at most ${limits.passwordMaxBytes} bytes: that is fewer characters when it has accents or emoji.`,
  [messages.passwordMismatch]: "This doesn't match the password above.",
  [messages.dateFormat]: 'Enter a full date, or leave it empty.',
  [messages.dateInFuture]: "Your date of birth can't be in the future.",
  [messages.linkInvalid]:
    'This link has expired, or a newer email replaced it. Open the newest email we sent you, or sign up again.',
  [messages.wrongPassword]: "This isn't the password you chose when you signed up.",
};

/** The page's words for one of a field's messages. */
export const friendlyFieldMessage = (
  field: string,
  apiMessage: string,
  form: PageForm = 'signup',
): FriendlyMessage => {
  if (apiMessage === messages.emailTaken) {
    return { text: 'There is already an account with this email address.', offerSignIn: true };
  }
  if (apiMessage === messages.required || apiMessage === messages.blank || apiMessage === messages.null) {
    return { text: missing[form][field] ?? apiMessage };
  }
  return { text: fieldTexts[apiMessage] ?? apiMessage };
};

const detailTexts: Record<string, string> = {
  [String(problems.bodyTooLarge().body?.detail)]:
    'Some of what you typed is far too long to send. Shorten it and try again.',
  [String(problems.storeUnavailable(1).body?.detail)]:
    "We can't create accounts right now. Please try again in a minute.",
  [String(problems.serverError().body?.detail)]:
    'Something went wrong on our side. Please try again in a moment.',
  [String(problems.idempotencyInProgress(1).body?.detail)]:
    'Your signup is still being processed. Wait a moment, then try again.',
};

/** The page's words for an answer that is not about one field. */
export const friendlyFormMessage = (status: number, apiMessage: string): string =>
  detailTexts[apiMessage] ??
  (status === 429 ? 'Too many attempts right now. Please wait a minute and try again.' : apiMessage);
