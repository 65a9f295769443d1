/** Slugs are at most this long, suffix included (Django's SlugField max_length). */
export const SLUG_MAX_LENGTH = 50;

/**
 * The `index`-th slug tried for a base: `base` for 1, then `base-2`, `base-3`, … with the base cut
 * so that the whole stays within 50 characters (django-autoslug's rule).
 */
export const slugCandidate = (base: string, index: number): string => {
  if (index <= 1) return base.slice(0, SLUG_MAX_LENGTH);
  const suffix = `-${index}`;
  return `${base.slice(0, Math.min(base.length, SLUG_MAX_LENGTH - suffix.length))}${suffix}`;
};
