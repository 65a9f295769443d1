import { toAsciiDomain } from './email.ts';

/**
 * The uniqueness key of a normalised address: one account per mailbox. The address is NFC-normalised,
 * its domain folded to the ASCII (punycode) form DNS resolves, so `user@münchen.de`, its decomposed
 * spelling and `user@xn--mnchen-3ya.de` are one key, and the whole is lower-cased.
 */
export const emailKey = (normalizedAddress: string): string => {
  const address = normalizedAddress.normalize('NFC');
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  return `${address.slice(0, at)}@${toAsciiDomain(domain) ?? domain}`.toLowerCase();
};
