/**
 * A urlencoded form body read as Django reads one (QueryDict over Python's `parse_qsl`): pairs split
 * on `&`, `+` is a space, and each run of %-escapes is decoded as bytes of the request's charset
 * with U+FFFD for what does not decode, while text sent unescaped stays as it is. Node's
 * querystring (and so middy's urlencoded parser) reads a value with one bad escape byte by byte,
 * turning `é` or an emoji beside it into other characters, even NUL.
 */

/** Django's DATA_UPLOAD_MAX_NUMBER_FIELDS: past it, the rest of the body is not read. */
const MAX_FIELDS = 1000;
const ASCII_RUN = /[\x00-\x7f]+/g;
const ESCAPE = /%([0-9A-Fa-f]{2})/g;

export type FormCharset = 'utf8' | 'latin1';

/** The charset a Content-Type declares, as far as it changes how escapes decode. */
export const formCharset = (contentType: string): FormCharset =>
  /;\s*charset\s*=\s*"?(latin-?1|iso-?8859-?1|l1|cp819)"?\s*(;|$)/i.test(contentType) ? 'latin1' : 'utf8';

const escapedBytes = (ascii: string): Buffer => {
  const bytes: number[] = [];
  let at = 0;
  for (const match of ascii.matchAll(ESCAPE)) {
    for (const character of ascii.slice(at, match.index)) bytes.push(character.charCodeAt(0));
    bytes.push(Number.parseInt(match[1] ?? '0', 16));
    at = match.index + match[0].length;
  }
  for (const character of ascii.slice(at)) bytes.push(character.charCodeAt(0));
  return Buffer.from(bytes);
};

/** Python's `urllib.parse.unquote(text, charset, errors='replace')`. */
const unquote = (text: string, charset: FormCharset): string =>
  text.includes('%') ? text.replace(ASCII_RUN, (ascii) => escapedBytes(ascii).toString(charset)) : text;

/** Every value of every field, in order; the signup reads a field's last value, as QueryDict does. */
export const parseFormBody = (body: string, charset: FormCharset): Map<string, string[]> => {
  const fields = new Map<string, string[]>();
  let count = 0;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    if (++count > MAX_FIELDS) break;
    const equals = pair.indexOf('=');
    const [name, value] = equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
    const key = unquote(name.replaceAll('+', ' '), charset);
    fields.set(key, [...(fields.get(key) ?? []), unquote(value.replaceAll('+', ' '), charset)]);
  }
  return fields;
};
