import { describe, expect, it } from 'vitest';
import { messages } from '../../functions/core/rules/messages.ts';
import type { ResendOutcome, VerificationOutcome } from '../../functions/core/verification.ts';
import { resendPath, verifyPath } from '../../functions/http/openapi.ts';
import { createResendHandler } from '../../functions/resend-verification/handler.ts';
import { createVerifyHandler } from '../../functions/verify-customer/handler.ts';
import { contractCustomer, invoke, jsonPost, silentTelemetry } from '../support/signup-handler.ts';
import { documentedResponse, schemaChecker } from './document-schemas.ts';

const options = { corsOrigins: [], telemetry: silentTelemetry(), timeoutEarlyInMillis: 0 };

/** Each answer the verify route gives, from a use case that answers it. */
const verifyAnswers: [string, VerificationOutcome][] = [
  ['verified', { outcome: 'verified', customer: contractCustomer }],
  ['a dead link', { outcome: 'invalid', errors: { token: [messages.linkInvalid] } }],
  ['a wrong password', { outcome: 'invalid', errors: { password: [messages.wrongPassword] } }],
  [
    'missing fields',
    { outcome: 'invalid', errors: { token: [messages.required], password: [messages.required] } },
  ],
];

const resendAnswers: [string, ResendOutcome][] = [
  ['accepted', { outcome: 'accepted' }],
  ['an invalid address', { outcome: 'invalid', errors: { email: [messages.invalidEmail] } }],
];

describe('the verify and resend answers, against the OpenAPI reference', () => {
  it.each(verifyAnswers)('verify, %s: the answer fits the documented one', async (_name, outcome) => {
    const handler = createVerifyHandler({ verify: async () => outcome, ...options });

    const answer = await invoke(handler, { path: verifyPath, ...jsonPost({}) });

    const schema = documentedResponse(verifyPath, 'POST', answer.statusCode)?.content?.['application/json']
      ?.schema;
    expect(schema, `${answer.statusCode} is documented`).toBeDefined();
    expect(schemaChecker(schema ?? {})(answer.json)).toEqual([]);
  });

  it.each(resendAnswers)('resend, %s: the answer fits the documented one', async (_name, outcome) => {
    const handler = createResendHandler({ resend: async () => outcome, ...options });

    const answer = await invoke(handler, { path: resendPath, ...jsonPost({}) });

    const schema = documentedResponse(resendPath, 'POST', answer.statusCode)?.content?.['application/json']
      ?.schema;
    expect(schema, `${answer.statusCode} is documented`).toBeDefined();
    expect(schemaChecker(schema ?? {})(answer.json)).toEqual([]);
  });
});
