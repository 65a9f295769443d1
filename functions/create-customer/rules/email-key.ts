import { domainToASCII } from 'node:url';

/**
 * The uniqueness key of a normalised address: one account per mailbox. The address is NFC-normalised,
 * its domain folded to the ASCII (punycode) form DNS resolves, so `user@münchen.de`, its decomposed
 * spelling and `user@xn--mnchen-3ya.de` are one key, and the whole is lower-cased.
 */
export const emailKey = (normalizedAddress: string): string => {
  const address = normalizedAddress.normalize('NFC');
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  // An IP literal such as `[127.0.0.1]` has no ASCII form as a host name: it stays as sent.
  const asciiDomain = domainToASCII(domain) || domain;
  return `${address.slice(0, at)}@${asciiDomain}`.toLowerCase();
};
