/**
 * Python's string semantics, which the contract inherits from Django: lengths in code points,
 * `str.strip()` over Python's whitespace, `str.isdigit()`, `str(number)`.
 * (`str.lower()` is `toLowerCase()`: both apply Unicode's default case mapping, final sigma included.)
 */

/** The characters for which Python's `str.isspace()` is true. */
const PYTHON_WHITESPACE =
  '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const EDGE_WHITESPACE = new RegExp(`^[${PYTHON_WHITESPACE}]+|[${PYTHON_WHITESPACE}]+$`, 'g');

/** Python's `str.strip()`: unlike `String.prototype.trim`, it strips U+001C–U+001F and U+0085, and keeps U+FEFF. */
export const pythonStrip = (text: string): string => text.replace(EDGE_WHITESPACE, '');

/** Python's whitespace but the newline, which ends each line of a text file read line by line. */
const WHITESPACE_IN_LINE = PYTHON_WHITESPACE.replace('\n', '');
const LINE_EDGE_WHITESPACE = new RegExp(
  `(?<=^|\\n)[${WHITESPACE_IN_LINE}]+|[${WHITESPACE_IN_LINE}]+(?=\\n|$)`,
  'g',
);

/** `str.strip()` of every line of a text, lines kept apart by `\n`, in one pass over the whole text. */
export const pythonStripLines = (text: string): string => text.replace(LINE_EDGE_WHITESPACE, '');

/** Python's `len(str)`: code points, so an emoji is one character. */
export const codePointLength = (text: string): number => {
  let length = 0;
  for (const _ of text) length++;
  return length;
};

/** The first lone surrogate in the text, if any (Python sees it as one code point U+D800–U+DFFF). */
export const firstLoneSurrogate = (text: string): number | undefined => {
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) return code;
  }
  return undefined;
};

/** Code points that Python's `str.isdigit()` accepts besides the decimal digits (superscripts, circled digits, …). */
const NON_DECIMAL_DIGITS =
  /[\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u{10a40}-\u{10a43}\u{10e60}-\u{10e68}\u{11052}-\u{1105a}\u{1f100}-\u{1f10a}]/u;
const DIGIT = new RegExp(`^(?:\\p{Nd}|${NON_DECIMAL_DIGITS.source})+$`, 'u');

/** Python's `str.isdigit()`. */
export const pythonIsDigit = (text: string): boolean => DIGIT.test(text);

/** A JSON number as the request wrote it: Python's `str()` of it is what a text field receives. */
export interface JsonNumber {
  readonly jsonNumber: string;
}

export const isJsonNumber = (value: unknown): value is JsonNumber =>
  typeof value === 'object' && value !== null && typeof (value as JsonNumber).jsonNumber === 'string';

/** Whether Python's `json` reads this literal as a float rather than an int. */
export const isFloatLiteral = (literal: string): boolean => /[.eE]/.test(literal);

/** Python's `str()` of the number a JSON literal denotes: ints exactly, floats as `repr` writes them. */
export const pythonNumberText = (literal: string): string => {
  if (!isFloatLiteral(literal)) return BigInt(literal).toString();
  const value = Number(literal);
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  // toExponential() gives the shortest round-trip digits, as Python's repr does; only the layout differs.
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const exponent = Number(exponentText);
  const sign = negative || Object.is(value, -0) ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${exponentDigits}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1) || '0';
  return `${sign}${whole}.${fraction}`;
};
