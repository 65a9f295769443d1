import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compiledValidators, compileEventValidator } from '../../scripts/compile-schemas.ts';

describe('the precompiled request validators', () => {
  it.each(Object.entries(compiledValidators))(
    '%s is the compilation of the current request schema (run `node scripts/compile-schemas.ts` after changing it)',
    (file, schema) => {
      const committed = readFileSync(
        new URL(`../../functions/http/generated/${file}`, import.meta.url),
        'utf8',
      );
      expect(committed).toBe(compileEventValidator(schema));
    },
  );
});
