import { signupFields } from '../core/rules/signup-form.ts';
import { routePaths } from './route-paths.ts';

/** One POST route of the API: where it answers and which fields of the body it reads. */
export interface Route {
  /** The contract's path, with Django's trailing slash; it is answered without the slash too. */
  path: string;
  /** The fields the route reads; any other field of the body is ignored. */
  fields: readonly string[];
  /** Fields that may be null: a form cannot send null, so Django REST framework reads them empty as null. */
  nullableFields: readonly string[];
  /** Fields whose values are secrets: kept out of every log line, even inside an error's message. */
  secretFields: readonly string[];
}

export const routes = {
  signup: {
    path: routePaths.signup,
    fields: signupFields,
    nullableFields: ['date_of_birth'],
    secretFields: ['password', 'password2'],
  },
  verify: {
    path: routePaths.verify,
    fields: ['token', 'password'],
    nullableFields: [],
    secretFields: ['token', 'password'],
  },
  resend: {
    path: routePaths.resend,
    fields: ['email'],
    nullableFields: [],
    secretFields: [],
  },
} as const satisfies Record<string, Route>;

/** The paths a route answers: as the contract writes it, and without the trailing slash. */
export const pathsOf = (route: Route): ReadonlySet<string> =>
  new Set([route.path, route.path.replace(/\/$/, '')]);
