/**
 * The product the signup belongs to, set here and nowhere else: its name, its logo (a file in web/,
 * served beside the page) and where customers who already have an account sign in. The page and the
 * mails both read it.
 */
export const brand = {
  productName: 'Northwind Market',
  logoFile: 'logo.svg',
  signInUrl: '/sign-in',
} as const;
