/**
 * Where the API's routes answer, as the contract writes them (with Django's trailing slash). Apart
 * from routes.ts so that the page can import them without the server's rules.
 */
export const routePaths = {
  signup: '/api/v1/customers/',
  verify: '/api/v1/customers/verify/',
  resend: '/api/v1/customers/verify/resend/',
} as const;
