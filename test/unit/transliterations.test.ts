import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { committedOverrides, transliterationTable } from '../../scripts/generate-transliterations.ts';

describe('the transliteration table', () => {
  it('is the npm unidecode tables with the committed Python overrides (run scripts/generate-transliterations.ts after upgrading unidecode)', () => {
    const committed = readFileSync(
      new URL('../../functions/core/rules/transliterations.json.gz', import.meta.url),
    );
    expect(transliterationTable(committedOverrides()).equals(committed)).toBe(true);
  });
});
