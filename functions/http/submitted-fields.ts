import type { JsonNumber } from '../core/rules/python-text.ts';
import type { SubmittedFields } from '../core/rules/signup-form.ts';
import type { ApiMiddleware, ApiRequestState } from './api-request.ts';
import { topLevelNumberLiterals } from './python-numbers.ts';
import type { Route } from './routes.ts';

/**
 * The route's fields of a parsed body. JSON numbers keep their literal text (Python's `str(1.0)` is
 * "1.0").
 */
export const submittedFields = (
  body: Record<string, unknown>,
  state: ApiRequestState,
  route: Route,
): SubmittedFields => {
  const fields: Record<string, unknown> = {};
  let literals: Map<string, string> | undefined;
  for (const field of route.fields) {
    if (!Object.hasOwn(body, field)) continue;
    let value = body[field];
    // A form cannot send null: Django REST framework reads an empty nullable field as null.
    if (state.bodyKind === 'form' && route.nullableFields.includes(field) && value === '') value = null;
    if (typeof value === 'number') {
      literals ??= topLevelNumberLiterals(state.rawBody);
      value = { jsonNumber: literals.get(field) ?? String(value) } satisfies JsonNumber;
    }
    fields[field] = value;
  }
  return fields;
};

/** After the validator: the body, now known to be an object, becomes the route's submitted fields. */
export const fieldsFromBody = (route: Route): ApiMiddleware => ({
  before: (request) => {
    request.event.body = submittedFields(
      request.event.body as Record<string, unknown>,
      request.internal,
      route,
    );
  },
});
