import { describe, expect, it } from 'vitest';
import { maskAddress } from '../../functions/core/mask-address.ts';

describe('a masked address', () => {
  it('keeps the first character of the local part and the whole domain', () => {
    expect(maskAddress('john@example.com')).toBe('j•••@example.com');
    expect(maskAddress('J@example.com')).toBe('J•••@example.com');
  });

  it('keeps a first character outside the BMP whole, not half a surrogate pair', () => {
    expect(maskAddress('😀mail@example.com')).toBe('😀•••@example.com');
  });

  it('splits at the last @, as a quoted local part may hold another', () => {
    expect(maskAddress('"a@b"@example.com')).toBe('"•••@example.com');
  });

  it('hides everything of what is not an address', () => {
    expect(maskAddress('no-at-sign')).toBe('•••');
    expect(maskAddress('@example.com')).toBe('•••@example.com');
  });
});
