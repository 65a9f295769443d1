import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { codePointLength } from './python-text.ts';

// Django's EmailValidator, pattern for pattern (`\Z` is `$` without the `m` flag; `iu` matches
// Python's re.IGNORECASE on str, which also folds ſ and the Kelvin sign).
const DOT_ATOM = /^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*$/iu;
const QUOTED_STRING = /^"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*"$/iu;
const DOMAIN = /^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z0-9-]{2,63}(?<!-)$/iu;
const ADDRESS_LITERAL = /^\[([A-f0-9:.]+)\]$/iu;
const DOMAIN_ALLOWLIST = new Set(['localhost']);
/** RFC 3696's limit, which Django checks before anything else. */
const MAX_ADDRESS_LENGTH = 320;
/** Django's limit on an IPv6 literal's text. */
const MAX_IPV6_LENGTH = 39;

const isValidIpLiteral = (address: string): boolean => {
  const version = isIP(address);
  return version === 4 || (version === 6 && address.length <= MAX_IPV6_LENGTH);
};

const isValidDomainPart = (domain: string): boolean => {
  if (DOMAIN.test(domain)) return true;
  const literal = ADDRESS_LITERAL.exec(domain);
  return literal?.[1] !== undefined && isValidIpLiteral(literal[1]);
};

/** Django's `EmailValidator` (the value is already stripped). */
export const isValidEmail = (address: string): boolean => {
  if (address === '' || !address.includes('@') || codePointLength(address) > MAX_ADDRESS_LENGTH) return false;
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!DOT_ATOM.test(local) && !QUOTED_STRING.test(local)) return false;
  if (DOMAIN_ALLOWLIST.has(domain) || isValidDomainPart(domain)) return true;
  // An internationalised domain is judged by its ASCII (punycode) form.
  const ascii = domainToASCII(domain);
  return ascii !== '' && isValidDomainPart(ascii);
};

/** Django's `normalize_email`: the domain lower-cased, the local part as sent. */
export const normalizeEmail = (address: string): string => {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
};

/** The uniqueness key of an address: one account per mailbox, whatever the letter case. */
export const emailKey = (normalizedAddress: string): string => normalizedAddress.toLowerCase();
