import { brand } from '../functions/core/brand.ts';

export { brand };

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (character) => htmlEscapes[character] ?? '');

/** The page with its `{{productName}}`, `{{logoFile}}` and `{{signInUrl}}` filled in; any other name is a mistake. */
export const withBrand = (html: string): string =>
  html.replace(/\{\{(\w+)\}\}/g, (_placeholder, name: string) => {
    if (!Object.hasOwn(brand, name))
      throw new Error(`web/index.html names {{${name}}}, which web/brand.ts does not set`);
    return escapeHtml(brand[name as keyof typeof brand]);
  });
