import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import validator, { type Options as ValidatorOptions } from '@middy/validator';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { contractErrors, jsonResponse } from './contract-errors.ts';
import { StoreUnavailableError } from './customer-store.ts';
import validateSignupEvent from './generated/validate-signup-event.js';
import type { SubmittedFields } from './rules/signup-form.ts';
import type { SignupOutcome } from './signup.ts';
import { type SignupEvent, type SignupRequestState, signupFieldsFromBody, signupRequest } from './signup-request.ts';

export interface SignupHandlerOptions {
  signup: (fields: SubmittedFields) => Promise<SignupOutcome>;
  /** Origins allowed to call the API from a browser (CORS). */
  corsOrigins: readonly string[];
  logUnexpected: (error: unknown) => void;
  /** Answer 503 this long before Lambda's own timeout would cut the request off. */
  timeoutEarlyInMillis?: number;
}

/** The HTTP edge: middleware first (headers, CORS, envelope, validator, errors), the signup last. */
export const createHandler = ({ signup, corsOrigins, logUnexpected, timeoutEarlyInMillis = 500 }: SignupHandlerOptions) =>
  middy<SignupEvent, APIGatewayProxyResult, Error, Context, SignupRequestState>({
    timeoutEarlyInMillis,
    timeoutEarlyResponse: () => {
      throw new StoreUnavailableError('the time budget ran out');
    },
  })
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders())
    .use(
      httpCors({
        origins: [...corsOrigins],
        methods: 'POST,OPTIONS',
        headers: 'Content-Type,Idempotency-Key',
        maxAge: 600,
      }),
    )
    .use(signupRequest())
    // middy's types call a compiled schema `Ajv`; at run time it takes the compiled function, as here.
    .use(validator({ eventSchema: validateSignupEvent as unknown as ValidatorOptions['eventSchema'] }))
    .use(signupFieldsFromBody())
    .use(contractErrors(logUnexpected))
    .handler(async (event) => {
      const outcome = await signup(event.body as SubmittedFields);
      return outcome.outcome === 'created'
        ? jsonResponse(201, outcome.customer)
        : jsonResponse(400, outcome.errors);
    });
