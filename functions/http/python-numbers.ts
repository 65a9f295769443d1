/**
 * JSON numbers as Django's Python reads them: its type names, the literal text a field receives,
 * and the integer literals too long for Python to read.
 */
import { isFloatLiteral } from '../core/rules/python-text.ts';

/** Python's name for the type of a JSON value that is not an object, as the contract reports it. */
export const pythonTypeName = (value: unknown, rawBody: string): string => {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isFloatLiteral(rawBody.trim()) ? 'float' : 'int';
  return 'dict';
};

/** Python's `int()` refuses literals this long (CPython 3.11's guard), so Django's JSON parser does. */
const MAX_INT_DIGITS = 4300;
const LONG_DIGIT_RUN = new RegExp(`\\d{${MAX_INT_DIGITS + 1}}`);

/** The parse error Python's JSON parser gives for an integer literal over 4,300 digits, if the body has one. */
export const tooLongIntegerWords = (rawBody: string): string | undefined => {
  if (!LONG_DIGIT_RUN.test(rawBody)) return undefined;
  let digits = 0;
  JSON.parse(rawBody, (_key, value, context?: { source?: string }) => {
    const literal = context?.source;
    if (typeof value === 'number' && literal !== undefined && !isFloatLiteral(literal)) {
      digits = Math.max(digits, literal.replace('-', '').length);
    }
    return value;
  });
  return digits > MAX_INT_DIGITS
    ? `Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`
    : undefined;
};

/** The literal text of each top-level number in a JSON body (Node 22+ passes it to the reviver). */
export const topLevelNumberLiterals = (rawBody: string): Map<string, string> => {
  const found: { holder: unknown; key: string; literal: string }[] = [];
  const root: unknown = JSON.parse(rawBody, function (
    this: unknown,
    key,
    value,
    context?: { source?: string },
  ) {
    if (typeof value === 'number' && context?.source !== undefined)
      found.push({ holder: this, key, literal: context.source });
    return value;
  } as (key: string, value: unknown) => unknown);
  return new Map(found.filter((entry) => entry.holder === root).map((entry) => [entry.key, entry.literal]));
};
