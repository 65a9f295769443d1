import { describe, expect, it } from 'vitest';
import { localContext } from '../../local/api-gateway-event.ts';
import { createLocalHandlers, type Handler } from '../../local/local-handlers.ts';
import { contractCustomer, silentTelemetry } from '../support/signup-handler.ts';

/** A signup handler that says it was the one asked. */
const signup: Handler = async () => ({ statusCode: 299, body: 'signup' });

const post = (handler: Handler, path: string) =>
  handler(
    {
      httpMethod: 'POST',
      path,
      resource: path,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      isBase64Encoded: false,
      requestContext: { requestId: 'local' },
    } as never,
    localContext(10_000),
  );

describe("npm start's routing, as API Gateway's", () => {
  it('sends each route, with or without its slash, to its own function, and every other path to the signup', async () => {
    const handler = createLocalHandlers({
      signup,
      verify: async () => ({ outcome: 'verified', customer: contractCustomer }),
      resend: async () => ({ outcome: 'accepted' }),
      corsOrigins: [],
      telemetry: silentTelemetry(),
    });

    const statuses = await Promise.all(
      [
        '/api/v1/customers/verify/',
        '/api/v1/customers/verify',
        '/api/v1/customers/verify/resend/',
        '/api/v1/customers/verify/resend',
        '/api/v1/customers/',
        '/api/v1/customers/verify/other/',
      ].map(async (path) => (await post(handler, path)).statusCode),
    );

    expect(statuses).toEqual([200, 200, 202, 202, 299, 299]);
  });

  it('leaves the verification routes to the signup, which answers them 404, when no use case is given', async () => {
    const handler = createLocalHandlers({ signup, corsOrigins: [], telemetry: silentTelemetry() });

    expect((await post(handler, '/api/v1/customers/verify/')).body).toBe('signup');
    expect((await post(handler, '/api/v1/customers/verify/resend/')).body).toBe('signup');
  });
});
