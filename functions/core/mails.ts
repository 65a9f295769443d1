import { brand } from './brand.ts';

/** A mail as the mailer sends it: one recipient, a subject, a plain-text and an HTML part. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export const mailSubjects = {
  verification: 'Confirm your e-mail address',
  signupAttempt: 'Someone tried to sign up with your address',
} as const;

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? '');

/**
 * Characters that change how the text around them reads without showing themselves: BiDi embeddings,
 * overrides, isolates and marks, and zero-width characters. A name carrying them could make the mail
 * read as something else (a reversed link, a hidden word).
 */
const INVISIBLE_FORMATTING = /[\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** A name as a mail shows it: without invisible formatting, and without line breaks that would reshape the text. */
export const nameForMail = (name: string): string =>
  name
    .replace(INVISIBLE_FORMATTING, '')
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .trim();

const SECONDS_PER = { day: 86_400, hour: 3_600, minute: 60 } as const;

/** A mail that goes within this long of its link's making states the window it was made with. */
const SLACK_SECONDS = 60;

/**
 * How long a link stays valid, in the largest unit that keeps at least two of it (`2 days`,
 * `47 hours`, `1 minute`), rounded down, so never more than it is, but for the minute a mail takes
 * to go: a two-day link mailed seconds after the signup says `2 days`, not `47 hours`.
 */
export const validityText = (seconds: number): string => {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  const stated = seconds + SLACK_SECONDS;
  if (stated >= 2 * SECONDS_PER.day) return plural(Math.floor(stated / SECONDS_PER.day), 'day');
  if (stated >= 2 * SECONDS_PER.hour) return plural(Math.floor(stated / SECONDS_PER.hour), 'hour');
  return plural(Math.max(1, Math.floor(seconds / SECONDS_PER.minute)), 'minute');
};

const htmlDocument = (title: string, paragraphs: readonly string[]): string =>
  [
    '<!doctype html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5">',
    ...paragraphs.map((paragraph) => `<p>${paragraph}</p>`),
    '</body>',
    '</html>',
  ].join('\n');

const link = (url: string, label: string): string => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;

export interface VerificationMailContent {
  to: string;
  firstName: string;
  /** `<VERIFY_URL>#token=<token>`. */
  verifyLink: string;
  /** How long the link has left before the pending account expires. */
  validForSeconds: number;
}

/** The mail that carries the link a pending account is verified with. */
export const verificationMail = ({
  to,
  firstName,
  verifyLink,
  validForSeconds,
}: VerificationMailContent): Mail => {
  const name = nameForMail(firstName);
  const validity = validityText(validForSeconds);
  const subject = mailSubjects.verification;
  return {
    to,
    subject,
    text: [
      `Hello ${name},`,
      '',
      `To finish signing up to ${brand.productName}, open this link and enter the password you chose:`,
      '',
      verifyLink,
      '',
      `The link works for ${validity}. If you did not sign up, ignore this mail: without the link no account is made.`,
      '',
      `${brand.productName}`,
    ].join('\n'),
    html: htmlDocument(subject, [
      `Hello ${escapeHtml(name)},`,
      `To finish signing up to ${escapeHtml(brand.productName)}, open this link and enter the password you chose:`,
      link(verifyLink, 'Confirm your e-mail address'),
      `The link works for ${escapeHtml(validity)}. If you did not sign up, ignore this mail: without the link no account is made.`,
      escapeHtml(brand.productName),
    ]),
  };
};

export interface SignupAttemptNoticeContent {
  to: string;
  firstName: string;
  /** Where the owner signs in, when the deployment has such a page. */
  signInUrl?: string;
}

/** The mail the owner of a verified address gets when someone signs up with it (enumeration protection). */
export const signupAttemptNotice = ({ to, firstName, signInUrl }: SignupAttemptNoticeContent): Mail => {
  const name = nameForMail(firstName);
  const subject = mailSubjects.signupAttempt;
  const intro = `Someone tried to sign up to ${brand.productName} with this address, which already has an account. No new account was made and nothing was changed.`;
  const ignore = 'If it was you, you already have an account. If it was not, you need do nothing.';
  return {
    to,
    subject,
    text: [
      `Hello ${name},`,
      '',
      intro,
      '',
      ignore,
      ...(signInUrl === undefined ? [] : ['', `Sign in: ${signInUrl}`]),
      '',
      `${brand.productName}`,
    ].join('\n'),
    html: htmlDocument(subject, [
      `Hello ${escapeHtml(name)},`,
      escapeHtml(intro),
      escapeHtml(ignore),
      ...(signInUrl === undefined ? [] : [link(signInUrl, 'Sign in')]),
      escapeHtml(brand.productName),
    ]),
  };
};
