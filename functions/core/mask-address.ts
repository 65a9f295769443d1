/** What stands for the hidden part of an address. */
const HIDDEN = '•••';

/**
 * `john@example.com` → `j•••@example.com`: enough for its owner to recognise where a mail went, not
 * enough for someone looking over their shoulder to read the address. The first character is a whole
 * code point (an emoji stays one), the domain is kept as it is.
 */
export const maskAddress = (address: string): string => {
  const at = address.lastIndexOf('@');
  if (at < 0) return HIDDEN;
  const [first = ''] = address.slice(0, at);
  return `${first}${HIDDEN}${address.slice(at)}`;
};
