import type { ApiMiddleware } from './api-request.ts';
import { problems } from './http-problems.ts';
import { pathsOf, type Route } from './routes.ts';

/**
 * The route, before anything of the body is read: an unknown path is 404, a CORS preflight ends in
 * 204 with its headers, and every method but POST is 405.
 */
export const routing = (route: Route): ApiMiddleware => {
  const paths = pathsOf(route);
  return {
    before: ({ event }) => {
      // API Gateway names the resource matched: behind a custom domain, `path` also holds its base path.
      if (!paths.has(event.resource || event.path)) throw problems.notFound();
      if (event.httpMethod === 'OPTIONS') throw problems.preflight();
      if (event.httpMethod !== 'POST') throw problems.methodNotAllowed(event.httpMethod);
    },
  };
};
