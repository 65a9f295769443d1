import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { codePointLength } from './python-text.ts';

// Django's EmailValidator, pattern for pattern (`\Z` is `$` without the `m` flag). Python's
// re.IGNORECASE lets a letter match through its simple lower or upper case: `iu` does so through
// case folding, which covers ſ and the Kelvin sign but not the Turkish İ and ı, added by hand.
const DOT_ATOM =
  /^[-!#$%&'*+/=?^_`{}|~0-9A-Z\u0130\u0131]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z\u0130\u0131]+)*$/iu;
const QUOTED_STRING =
  /^"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-[\]-\x7f\u0130\u0131]|\\[\x01-\x09\x0b\x0c\x0e-\x7f\u0130\u0131])*"$/iu;
const DOMAIN =
  /^(?:[A-Z0-9\u0130\u0131](?:[A-Z0-9\u0130\u0131-]{0,61}[A-Z0-9\u0130\u0131])?\.)+[A-Z0-9\u0130\u0131-]{2,63}(?<!-)$/iu;
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

/** The dots that Python's IDNA codec splits a domain on. */
const IDNA_DOTS = /[.\u3002\uff0e\uff61]/;
/** What IDNA 2003's nameprep maps to nothing (RFC 3454, table B.1), which UTS 46 would refuse instead. */
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each code point is removed on its own.
const MAPPED_TO_NOTHING = /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/g;
const ASCII = /^[\x00-\x7f]*$/;
/** DNS's limit on a label. */
const MAX_LABEL_LENGTH = 63;

/**
 * Python's `domain.encode('idna')`, label by label: ASCII labels pass unchanged (only their length is
 * checked), others become punycode. Undefined where Python raises UnicodeError. Node's `domainToASCII`
 * does the conversion, one label at a time, since on a whole name it also reads numbers as IPv4.
 */
export const toAsciiDomain = (domain: string): string | undefined => {
  if (ASCII.test(domain)) return domain;
  const labels = domain.split(IDNA_DOTS);
  const trailingDot = labels.length > 1 && labels.at(-1) === '';
  if (trailingDot) labels.pop();
  const asciiLabels: string[] = [];
  for (const label of labels) {
    const ascii = ASCII.test(label) ? label : domainToASCII(label.replace(MAPPED_TO_NOTHING, ''));
    if (ascii === '' || ascii.length > MAX_LABEL_LENGTH) return undefined;
    asciiLabels.push(ascii);
  }
  return `${asciiLabels.join('.')}${trailingDot ? '.' : ''}`;
};

/** Whether a local part is valid unquoted, by the validator's own rule. */
export const isDotAtom = (local: string): boolean => DOT_ATOM.test(local);

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
  const ascii = toAsciiDomain(domain);
  return ascii !== undefined && isValidDomainPart(ascii);
};

/** Django's `normalize_email`: the domain lower-cased, the local part as sent. */
export const normalizeEmail = (address: string): string => {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
};
