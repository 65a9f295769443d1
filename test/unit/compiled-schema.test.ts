import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSignupEventValidator } from '../../scripts/compile-schemas.ts';

describe('the precompiled request validator', () => {
  it('is the compilation of the current request schema (run `node scripts/compile-schemas.ts` after changing it)', () => {
    const committed = readFileSync(
      new URL('../../functions/http/generated/validate-signup-event.js', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(compileSignupEventValidator());
  });
});
