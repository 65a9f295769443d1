import { foldCase } from './case-folding.ts';
import { isDotAtom, toAsciiDomain } from './email.ts';

/** RFC 5321's quoted-pair: a backslash and the character it stands for. */
const QUOTED_PAIR = /\\([\s\S])/g;

/**
 * A quoted local part as the one mailbox it names: by RFC 5321 a quoted string whose content would
 * be valid unquoted is that unquoted text (`"john"` is `john`), and a backslash only quotes the
 * character after it (`"a\,b"` is `"a,b"`). Other quoted parts keep their quotes, escaped only where
 * they must be, so that every spelling of one mailbox gives one key.
 */
const canonicalLocalPart = (local: string): string => {
  if (!(local.length >= 2 && local.startsWith('"') && local.endsWith('"'))) return local;
  const content = local.slice(1, -1).replace(QUOTED_PAIR, '$1');
  return isDotAtom(content) ? content : `"${content.replace(/["\\]/g, '\\$&')}"`;
};

/**
 * The uniqueness key of a normalised address: one account per mailbox. The address is
 * NFC-normalised, a quoted local part read as the mailbox it names, the domain written in the ASCII
 * (punycode) form DNS resolves (UTS 46, non-transitional: `straße.de` is not `strasse.de`), and the
 * whole folded by Unicode's full case folding, then NFC again, since folding may decompose.
 */
export const emailKey = (normalizedAddress: string): string => {
  const address = normalizedAddress.normalize('NFC');
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  // Unquoted before and after folding: `"İ"` is valid unquoted and its fold is not, `"straße"` the
  // other way round.
  const local = canonicalLocalPart(foldCase(canonicalLocalPart(address.slice(0, at))));
  return `${local}@${foldCase(toAsciiDomain(domain) ?? domain)}`.normalize('NFC');
};
