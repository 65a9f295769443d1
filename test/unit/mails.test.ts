import { describe, expect, it } from 'vitest';
import { brand } from '../../functions/core/brand.ts';
import {
  nameForMail,
  signupAttemptNotice,
  validityText,
  verificationMail,
} from '../../functions/core/mails.ts';

const link = 'https://shop.example/verify#token=abc_DEF-123';

describe('the verification mail', () => {
  const mail = verificationMail({
    to: 'ada@example.com',
    firstName: 'Ada',
    verifyLink: link,
    validForSeconds: 172_800,
  });

  it('has the contract subject, the first name, the link and how long it works, in both parts', () => {
    expect(mail.to).toBe('ada@example.com');
    expect(mail.subject).toBe('Confirm your e-mail address');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('Hello Ada,');
      expect(part).toContain(link);
      expect(part).toContain('2 days');
      expect(part).toContain(brand.productName);
    }
    expect(mail.html).toContain(`<a href="${link}">`);
  });

  it('escapes a name in the HTML part, and keeps it as written in the text part', () => {
    const hostile = verificationMail({
      to: 'x@example.com',
      firstName: '<img src=x onerror=alert(1)>&"\'',
      verifyLink: link,
      validForSeconds: 3_600,
    });
    expect(hostile.html).not.toContain('<img');
    expect(hostile.html).toContain('&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;');
    expect(hostile.text).toContain('<img src=x onerror=alert(1)>&"\'');
  });

  it('shows a name without BiDi overrides, zero-width characters or line breaks', () => {
    const name = 'A\u202Eevil\u202C\u200Bd\u2066a\u2069\u200D\uFEFF\nline';
    const mail = verificationMail({
      to: 'x@example.com',
      firstName: name,
      verifyLink: link,
      validForSeconds: 60,
    });
    expect(mail.text).toContain('Hello Aevilda line,');
    expect(mail.html).toContain('Hello Aevilda line,');
    expect(mail.text + mail.html).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/);
  });
});

describe('how long a link is valid', () => {
  it('reads in the largest unit of which at least two remain, rounded down', () => {
    expect(validityText(172_800)).toBe('2 days');
    // Mailed seconds after the signup, a two-day link still says two days; a minute and more later, less.
    expect(validityText(172_790)).toBe('2 days');
    expect(validityText(172_739)).toBe('47 hours');
    expect(validityText(7_200)).toBe('2 hours');
    expect(validityText(7_139)).toBe('118 minutes');
    expect(validityText(60)).toBe('1 minute');
    expect(validityText(1)).toBe('1 minute');
  });
});

describe('the notice to the owner of a taken address', () => {
  it('has the contract subject and the first name, escaped in HTML, and a sign-in link when given', () => {
    const notice = signupAttemptNotice({
      to: 'ada@example.com',
      firstName: 'Ada & <b>',
      signInUrl: 'https://shop.example/sign-in',
    });
    expect(notice.subject).toBe('Someone tried to sign up with your address');
    expect(notice.text).toContain('Hello Ada & <b>,');
    expect(notice.html).toContain('Hello Ada &amp; &lt;b&gt;,');
    expect(notice.text).toContain('https://shop.example/sign-in');
    expect(notice.html).toContain('<a href="https://shop.example/sign-in">');
  });

  it('has no link when there is no sign-in page', () => {
    const notice = signupAttemptNotice({ to: 'ada@example.com', firstName: 'Ada' });
    expect(notice.text).not.toContain('http');
    expect(notice.html).not.toContain('<a ');
  });

  it('strips invisible formatting from names, as the verification mail does', () => {
    expect(nameForMail('\u202EAda\u200B ')).toBe('Ada');
  });
});
