import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foldCase } from '../../functions/core/rules/case-folding.ts';
import { caseFoldingTable } from '../../scripts/generate-case-folding.ts';

const PYTHON = '/usr/bin/python3';
const committedTable = readFileSync(
  new URL('../../functions/core/rules/case-folding.json', import.meta.url),
  'utf8',
);
const foldedCodePoints = Object.keys(JSON.parse(committedTable) as Record<string, string>).map((key) =>
  Number.parseInt(key.slice('U+'.length), 16),
);

/**
 * Python's `str.casefold()` of every code point its Unicode version assigns and folds, and which of
 * our folded code points it does not know yet (Debian 12's Python has Unicode 14, Node 24 has 17).
 */
const pythonFolds = () => {
  const python = spawnSync(
    PYTHON,
    [
      '-c',
      `import json, sys, unicodedata
ours = json.load(sys.stdin)
assigned = lambda c: unicodedata.category(chr(c)) != 'Cn'
folds = {c: chr(c).casefold() for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and assigned(c) and chr(c).casefold() != chr(c)}
json.dump({'folds': folds, 'unknown': [c for c in ours if not assigned(c)]}, sys.stdout)`,
    ],
    { input: JSON.stringify(foldedCodePoints), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (python.status !== 0) throw new Error(python.stderr);
  return JSON.parse(python.stdout) as { folds: Record<string, string>; unknown: number[] };
};

describe('case folding', () => {
  it('uses the table made from the Unicode package (run scripts/generate-case-folding.ts after upgrading it)', () => {
    expect(caseFoldingTable()).toBe(committedTable);
  });

  it.skipIf(!existsSync(PYTHON))(
    "folds every code point as Python's casefold() does, wherever Python's Unicode knows it",
    () => {
      const { folds, unknown } = pythonFolds();
      const ours = Object.fromEntries(
        foldedCodePoints
          .filter((codePoint) => !unknown.includes(codePoint))
          .map((codePoint) => [codePoint, foldCase(String.fromCodePoint(codePoint))]),
      );

      expect(Object.keys(folds).length).toBeGreaterThan(1400);
      expect(ours).toEqual(folds);
    },
  );

  it('folds text code point by code point, astral ones included, and leaves the rest as it is', () => {
    expect(foldCase('Straße ẞ ﬀ Σ ς ſ \u212a')).toBe('strasse ss ff σ σ s k');
    expect(foldCase('𐐀-漢字-ı')).toBe('𐐨-漢字-ı');
    expect(foldCase('MIXED ascii')).toBe('mixed ascii');
  });
});
