/**
 * The product the signup page belongs to, set here and nowhere else: its name, its logo (a file in
 * web/, served beside the page) and where customers who already have an account sign in.
 */
export const brand = {
  productName: 'Northwind Market',
  logoFile: 'logo.svg',
  signInUrl: '/sign-in',
} as const;

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (character) => htmlEscapes[character] ?? '');

/** The page with its `{{productName}}`, `{{logoFile}}` and `{{signInUrl}}` filled in; any other name is a mistake. */
export const withBrand = (html: string): string =>
  html.replace(/\{\{(\w+)\}\}/g, (_placeholder, name: string) => {
    if (!Object.hasOwn(brand, name))
      throw new Error(`web/index.html names {{${name}}}, which web/brand.ts does not set`);
    return escapeHtml(brand[name as keyof typeof brand]);
  });
