/**
 * The API's OpenAPI 3.1 reference, generated: the request body is the validator's own JSON Schema
 * (request-schema.ts), the answers are the contract's shapes, and every example is in the words the
 * service itself answers with (rules/messages.ts, http-problems.ts), so the reference cannot drift.
 */

import { type Customer, customerKeys, customerProperties, signupCustomerKeys } from '../core/customer.ts';
import { limits } from '../core/rules/limits.ts';
import { messages } from '../core/rules/messages.ts';
import { problems } from './http-problems.ts';
import {
  requiredResendFields,
  requiredSignupFields,
  requiredVerifyFields,
  resendRequestSchema,
  signupRequestSchema,
  verifyRequestSchema,
} from './request-schemas.ts';
import { routes } from './routes.ts';

export const customersPath = routes.signup.path;
export const verifyPath = routes.verify.path;
export const resendPath = routes.resend.path;

type Schema = Record<string, unknown>;
type Examples = Record<string, { summary: string; value: unknown }>;

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** YYYY-MM-DD; the API also reads a one-digit month or day, and answers zero-padded. */
const datePattern = '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$';

/** A customer's property as the answer types it, without its prose: what a client sends in that field too. */
const fieldType = ({ description: _prose, examples: _examples, ...type }: Schema): Schema => type;

/**
 * What a client sends in each field. The validator's schema leaves types out on purpose (a wrong
 * type is a field error, reported with every other), so the reference adds them here: the
 * customer's own fields typed as the customer is, the passwords besides.
 */
const requestFieldTypes: Record<keyof typeof signupRequestSchema.properties, Schema> = {
  ...(Object.fromEntries(
    signupCustomerKeys.map((key) => [key, fieldType(customerProperties[key])]),
  ) as Record<(typeof signupCustomerKeys)[number], Schema>),
  date_of_birth: { ...fieldType(customerProperties.date_of_birth), pattern: datePattern },
  // maxLength counts characters and cannot say bytes: a password of at most 72 bytes has at most 72
  // characters, so this bound refuses nothing the API accepts; the description says the rest.
  password: { type: 'string', format: 'password', maxLength: limits.passwordMaxBytes },
  // Any longer second password cannot match an accepted first one.
  password2: { type: 'string', format: 'password', maxLength: limits.passwordMaxBytes },
};

/** The validator's schema without its `$id`: here the component's name identifies it. */
const { $id: _validatorSchemaId, ...requestAnnotations } = signupRequestSchema;

const signupRequest: Schema = {
  ...requestAnnotations,
  required: [...requiredSignupFields],
  properties: Object.fromEntries(
    Object.entries(signupRequestSchema.properties).map(([name, annotations]) => [
      name,
      { ...requestFieldTypes[name as keyof typeof requestFieldTypes], ...annotations },
    ]),
  ),
};

const { $id: _verifySchemaId, ...verifyAnnotations } = verifyRequestSchema;
const verifyRequest: Schema = {
  ...verifyAnnotations,
  required: [...requiredVerifyFields],
  properties: {
    token: { type: 'string', maxLength: 128, ...verifyRequestSchema.properties.token },
    password: {
      type: 'string',
      format: 'password',
      maxLength: limits.passwordMaxBytes,
      ...verifyRequestSchema.properties.password,
    },
  },
};

const { $id: _resendSchemaId, ...resendAnnotations } = resendRequestSchema;
const resendRequest: Schema = {
  ...resendAnnotations,
  required: [...requiredResendFields],
  properties: {
    email: { ...requestFieldTypes.email, ...resendRequestSchema.properties.email },
  },
};

/** The contract's example signup and its answer. */
const exampleSignup = {
  email: 'john@example.com',
  first_name: 'John',
  last_name: 'Doe',
  password: 'SecureP@ssw0rd123',
  password2: 'SecureP@ssw0rd123',
  date_of_birth: '1990-01-15',
};
const exampleCustomer = Object.fromEntries(
  customerKeys.map((key) => [key, customerProperties[key].examples[0]]),
) as Customer;

const customer: Schema = {
  title: 'Customer',
  description: 'The customer, new or just verified: exactly these keys, in this order.',
  type: 'object',
  required: customerKeys,
  additionalProperties: false,
  properties: customerProperties,
};

/** The most messages one field collects: the password's four validators that can fail together. */
const maxMessagesPerField = 4;
/** Longer than any of the contract's messages (the longest is under 80 characters). */
const maxMessageLength = 200;

const messageList = (examples: string[][], maxItems = maxMessagesPerField): Schema => ({
  type: 'array',
  minItems: 1,
  maxItems,
  items: { type: 'string', maxLength: maxMessageLength },
  examples,
});

const fieldErrors: Schema = {
  title: 'Field errors',
  description:
    "Every field's messages at once, in Django's words; a field without errors is left out. Missing, `null`, NUL and lone-surrogate values get `This field is required.`, `This field may not be null.`, `Null characters are not allowed.` and `Surrogate characters are not allowed: U+D800.`.",
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    email: messageList([
      [messages.invalidEmail],
      [messages.emailTaken],
      [messages.blank],
      [messages.maxLength(254)],
    ]),
    first_name: messageList([[messages.blank], [messages.notAString], [messages.maxLength(150)]]),
    last_name: messageList([[messages.blank], [messages.notAString], [messages.maxLength(150)]]),
    password: messageList([
      [messages.passwordTooShort, messages.passwordTooCommon],
      [messages.passwordTooCommon, messages.passwordNumeric],
      [messages.passwordTooSimilar('first name')],
      [messages.passwordTooLong],
    ]),
    password2: messageList([[messages.passwordMismatch]]),
    date_of_birth: messageList([[messages.dateFormat], [messages.dateInFuture]]),
  },
};

/** The verify route's field errors: a dead link, a wrong password, or what the signup says of any field. */
const verifyFieldErrors: Schema = {
  title: 'Verify field errors',
  description:
    "A link that is unknown, expired, replaced by a newer one or dead after 5 wrong passwords: `This link is invalid or has expired.`; the right link with another password than the signup's: `This is not the password this account was created with.`; a missing field: `This field is required.`",
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    token: messageList([[messages.linkInvalid], [messages.required]], 1),
    password: messageList([[messages.wrongPassword], [messages.required]], 1),
  },
};

/** The resend route's field errors: the e-mail's, in the signup's words. */
const resendFieldErrors: Schema = {
  title: 'Resend field errors',
  description: "The e-mail's errors, as the signup reports them.",
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: {
    email: messageList([[messages.invalidEmail], [messages.required], [messages.blank]], 2),
  },
};

const nonFieldErrors: Schema = {
  title: 'Non-field errors',
  description: 'The body is not a JSON object.',
  type: 'object',
  required: ['non_field_errors'],
  additionalProperties: false,
  properties: { non_field_errors: messageList([['No data provided']], 1) },
};

/**
 * A 415 quotes the Content-Type as sent, and a header is no longer than the server reads (16 KiB in
 * Node, 10 KiB in API Gateway); the sentence around it is under 64 characters.
 */
const maxDetailLength = 16 * 1024 + 64;

const problem: Schema = {
  title: 'Problem',
  description: 'Any answer that is not about the fields: one sentence.',
  type: 'object',
  required: ['detail'],
  additionalProperties: false,
  properties: { detail: { type: 'string', maxLength: maxDetailLength } },
};

const json = (schema: Schema, examples: Examples) => ({
  'application/json': { schema, examples },
});

/** The CORS header every answer carries, errors and preflights included, when the origin is allowed. */
const corsHeaders = { 'Access-Control-Allow-Origin': headerRef('Access-Control-Allow-Origin') };

const problemResponse = (description: string, examples: Examples, headers: Record<string, unknown> = {}) => ({
  description,
  headers: { ...corsHeaders, ...headers },
  content: json(schemaRef('Problem'), examples),
});

/** An origin: scheme, a host name of at most 253 characters, a port. */
const maxOriginLength = 'https://'.length + 253 + ':65535'.length;
/** The longest wait any answer asks for: the firewall's 60 seconds (lib/rate-limit-web-acl.ts). */
const maxRetryAfterSeconds = 60;

const retryAfter = (description: string, required: boolean) => ({
  description,
  required,
  schema: schemaRef('RetryAfterSeconds'),
});

/** API Gateway's and WAF's throttling answer (lib/signup-api.ts, lib/rate-limit-web-acl.ts). */
const throttled = { detail: 'Request was throttled.' };

/** What any request may get, whatever its method: throttling (API Gateway, the firewall) and the unexpected. */
const answersToAnyMethod = {
  '429': responseRef('TooManyRequests'),
  '500': responseRef('ServerError'),
};

/** The Problem answer of a route that accepted the request: one sentence in `detail`. */
const accepted = (description: string, detail: string, summary: string) => ({
  description,
  headers: corsHeaders,
  content: json(schemaRef('Problem'), { accepted: { summary, value: { detail } } }),
});

/** The answers any POST route gives before reading a field. */
const envelopeAnswers = {
  '413': responseRef('PayloadTooLarge'),
  '415': responseRef('UnsupportedMediaType'),
  ...answersToAnyMethod,
  '503': responseRef('ServiceUnavailable'),
};

/** A route's preflight: which request headers a browser may send. */
const preflight = (operationId: string, tag: string, headers: string) => ({
  operationId,
  tags: [tag],
  summary: 'CORS preflight',
  description: `Allows POST with ${headers} from the configured origins only.`,
  security: [],
  responses: {
    '204': {
      description: 'No content; the CORS headers when the origin is allowed.',
      headers: corsHeaders,
    },
    ...answersToAnyMethod,
  },
});

/** GET, PUT, PATCH and DELETE, documented as operations so that clients know the 405 and its Allow header. */
const notAllowed = (operationPrefix: string, tag: string) =>
  Object.fromEntries(
    ['get', 'put', 'patch', 'delete'].map((method) => [
      method,
      {
        operationId: `${method}${operationPrefix}NotAllowed`,
        tags: [tag],
        summary: 'Not allowed',
        description: `${method.toUpperCase()} is not a method of this path: 405, with the allowed ones in \`Allow\`.`,
        security: [],
        responses: { '405': responseRef('MethodNotAllowed'), ...answersToAnyMethod },
      },
    ]),
  );

/** The request body of a route, as JSON and as a form. */
const requestBodyOf = (schemaName: string, examples: Examples) => ({
  required: true,
  description: 'At most 16 KiB.',
  content: {
    'application/json': { schema: schemaRef(schemaName), examples },
    'application/x-www-form-urlencoded': { schema: schemaRef(schemaName), examples },
  },
});

/** Malformed bodies: the same answers on every route. */
const malformedBodyExamples: Examples = {
  notAnObject: { summary: 'A JSON list', value: problems.notADictionary('list').body },
  noData: { summary: 'JSON null', value: problems.noData().body },
  malformedJson: {
    summary: "Malformed JSON (after the dash, the parser's own words)",
    value: problems.malformedJson(
      'Expecting property name enclosed in double quotes: line 1 column 27 (char 26)',
    ).body,
  },
};

const exampleToken = verifyRequestSchema.properties.token.examples[0];

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Customer signup API',
    version: '1.0.0',
    description:
      'Signs up a new customer. Public: no authentication. Every answer, errors included, is JSON; browsers may call it from the configured origins (CORS).',
  },
  // Relative to where this document is read: a deployed stage's URL (`…/prod/openapi.json`) or `npm start`.
  servers: [
    {
      url: '.',
      description: 'The stage that serves this document: prod, dev, or local with npm start',
      'x-internal': false,
    },
  ],
  tags: [
    { name: 'Customers', description: 'Signing up new customers.' },
    {
      name: 'Verification',
      description:
        "Proving the address, when the stage requires it (`EMAIL_VERIFICATION=required`): the signup leaves the account pending and mails a link; the link and the signup's password make it active.",
    },
  ],
  paths: {
    [customersPath]: {
      description: 'Also answered without the trailing slash. Every method but POST and OPTIONS gets 405.',
      post: {
        operationId: 'createCustomer',
        tags: ['Customers'],
        summary: 'Sign up a new customer',
        description:
          'Checks every field and reports all errors at once. Unknown and read-only fields (`slug`, `address`, …) are ignored. An empty body counts as `{}`.',
        security: [],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'Makes a retry safe: the same key with the same body within 24 hours replays the first answer and creates nothing. Validation failures are not remembered.',
            schema: { type: 'string', minLength: 1, maxLength: 255 },
          },
        ],
        requestBody: {
          required: true,
          description: 'At most 16 KiB.',
          content: {
            'application/json': {
              schema: schemaRef('SignupRequest'),
              examples: {
                signup: { summary: "The contract's example signup", value: exampleSignup },
                withoutDateOfBirth: {
                  summary: 'No date of birth (it is optional)',
                  value: {
                    email: 'ann@example.com',
                    first_name: 'Ann',
                    last_name: 'Lee',
                    password: exampleSignup.password,
                    password2: exampleSignup.password2,
                  },
                },
              },
            },
            'application/x-www-form-urlencoded': {
              schema: schemaRef('SignupRequest'),
              examples: {
                signup: {
                  summary: "The contract's example signup, as a form (values are strings)",
                  value: exampleSignup,
                },
              },
            },
          },
        },
        responses: {
          '201': {
            description:
              'Created. When the stage requires e-mail verification, the account is pending until its link is followed, and a mail with the link goes to the address.',
            headers: corsHeaders,
            content: json(schemaRef('Customer'), {
              created: { summary: "The contract's example signup", value: exampleCustomer },
            }),
          },
          '202': accepted(
            'Under enumeration protection (`ENUMERATION_PROTECTION=on`), every valid signup, whether its address is new, pending or already verified: the answer tells no one who has an account. The owner of a verified address gets a mail instead.',
            messages.signupAccepted,
            'Any valid signup under enumeration protection',
          ),
          '400': responseRef('BadRequest'),
          '409': responseRef('IdempotencyKeyInProgress'),
          '413': responseRef('PayloadTooLarge'),
          '415': responseRef('UnsupportedMediaType'),
          '422': responseRef('IdempotencyKeyReused'),
          ...answersToAnyMethod,
          '503': responseRef('ServiceUnavailable'),
        },
      },
      options: preflight('preflightCreateCustomer', 'Customers', '`Content-Type` and `Idempotency-Key`'),
      ...notAllowed('Customers', 'Customers'),
    },
    [verifyPath]: {
      description: 'Also answered without the trailing slash. Every method but POST and OPTIONS gets 405.',
      post: {
        operationId: 'verifyCustomer',
        tags: ['Verification'],
        summary: "Confirm a pending customer's e-mail address",
        description:
          "The token from the mail's link and the password chosen at signup, so that only someone who can read the mailbox and made the signup can turn it into an account. The same request again answers the same 200. Unknown fields are ignored; an empty body counts as `{}`.",
        security: [],
        requestBody: requestBodyOf('VerifyRequest', {
          verify: {
            summary: 'The link of the example signup',
            value: { token: exampleToken, password: exampleSignup.password },
          },
        }),
        responses: {
          '200': {
            description: 'Verified: the account is active from now on.',
            headers: corsHeaders,
            content: json(schemaRef('Customer'), {
              verified: { summary: "The contract's example customer", value: exampleCustomer },
            }),
          },
          '400': {
            description:
              'A dead link, a wrong password or missing fields; or a body that is not an object or is malformed JSON.',
            headers: corsHeaders,
            content: json(
              { oneOf: [schemaRef('VerifyFieldErrors'), schemaRef('NonFieldErrors'), schemaRef('Problem')] },
              {
                invalidLink: {
                  summary: 'An unknown, expired, replaced or dead link',
                  value: { token: [messages.linkInvalid] },
                },
                wrongPassword: {
                  summary: "Another password than the signup's",
                  value: { password: [messages.wrongPassword] },
                },
                missingFields: {
                  summary: 'An empty object',
                  value: Object.fromEntries(
                    requiredVerifyFields.map((field) => [field, [messages.required]]),
                  ),
                },
                ...malformedBodyExamples,
              },
            ),
          },
          ...envelopeAnswers,
        },
      },
      options: preflight('preflightVerifyCustomer', 'Verification', '`Content-Type`'),
      ...notAllowed('Verify', 'Verification'),
    },
    [resendPath]: {
      description: 'Also answered without the trailing slash. Every method but POST and OPTIONS gets 405.',
      post: {
        operationId: 'resendVerification',
        tags: ['Verification'],
        summary: 'Send a pending customer a new link',
        description:
          'A new link for a pending account at this address, at most one a minute; older links stop working. No address gets more than five verification mails a day. The answer is the same whether or not such an account exists.',
        security: [],
        requestBody: requestBodyOf('ResendRequest', {
          resend: { summary: 'The address of the example signup', value: { email: exampleSignup.email } },
        }),
        responses: {
          '202': accepted(
            'Accepted, whatever the address holds: a new link goes out only to a pending account, and not more than once a minute.',
            messages.resendAccepted,
            'Any valid address',
          ),
          '400': {
            description:
              'The address is missing or not one the signup accepts; or a body that is not an object or is malformed JSON.',
            headers: corsHeaders,
            content: json(
              { oneOf: [schemaRef('ResendFieldErrors'), schemaRef('NonFieldErrors'), schemaRef('Problem')] },
              {
                invalidEmail: { summary: 'Not an address', value: { email: [messages.invalidEmail] } },
                missingEmail: { summary: 'An empty object', value: { email: [messages.required] } },
                ...malformedBodyExamples,
              },
            ),
          },
          ...envelopeAnswers,
        },
      },
      options: preflight('preflightResendVerification', 'Verification', '`Content-Type`'),
      ...notAllowed('Resend', 'Verification'),
    },
  },
  components: {
    schemas: {
      SignupRequest: signupRequest,
      VerifyRequest: verifyRequest,
      ResendRequest: resendRequest,
      Customer: customer,
      FieldErrors: fieldErrors,
      VerifyFieldErrors: verifyFieldErrors,
      ResendFieldErrors: resendFieldErrors,
      NonFieldErrors: nonFieldErrors,
      Problem: problem,
      RetryAfterSeconds: {
        title: 'Retry-After seconds',
        type: 'integer',
        format: 'int32',
        minimum: 0,
        maximum: maxRetryAfterSeconds,
      },
    },
    headers: {
      'Access-Control-Allow-Origin': {
        description:
          "The request's `Origin` when it is one of the configured origins, absent for any other; `*` on API Gateway's and the firewall's own answers (429, 5xx from the gateway).",
        required: false,
        schema: { type: 'string', maxLength: maxOriginLength, pattern: '^(\\*|https?://[^/\\s]+)$' },
      },
    },
    responses: {
      BadRequest: {
        description:
          'The fields are not valid (field errors), the body is not an object or is malformed JSON, or the Idempotency-Key is not 1 to 255 characters.',
        headers: corsHeaders,
        content: json(
          { oneOf: [schemaRef('FieldErrors'), schemaRef('NonFieldErrors'), schemaRef('Problem')] },
          {
            commonPassword: {
              summary: 'A common password',
              value: { password: [messages.passwordTooCommon] },
            },
            mismatch: { summary: 'The passwords differ', value: { password2: [messages.passwordMismatch] } },
            duplicateEmail: { summary: 'The e-mail is taken', value: { email: [messages.emailTaken] } },
            missingFields: {
              summary: 'An empty object',
              value: Object.fromEntries(requiredSignupFields.map((field) => [field, [messages.required]])),
            },
            ...malformedBodyExamples,
            invalidIdempotencyKey: {
              summary: 'An Idempotency-Key of 256 characters',
              value: problems.invalidIdempotencyKey().body,
            },
          },
        ),
      },
      MethodNotAllowed: problemResponse(
        'Only POST and OPTIONS are allowed.',
        { get: { summary: 'A GET', value: problems.methodNotAllowed('GET').body } },
        { Allow: { required: true, schema: { type: 'string', const: 'POST, OPTIONS' } } },
      ),
      IdempotencyKeyInProgress: problemResponse(
        'The first request with this Idempotency-Key is still running.',
        { inProgress: { summary: 'In progress', value: problems.idempotencyInProgress(1).body } },
        { 'Retry-After': retryAfter('Seconds to wait before retrying.', true) },
      ),
      PayloadTooLarge: problemResponse('The body is over 16 KiB.', {
        tooLarge: { summary: 'Too large', value: problems.bodyTooLarge().body },
      }),
      UnsupportedMediaType: problemResponse(
        'The body is neither JSON nor a form (the type is quoted as sent).',
        {
          textPlain: { summary: 'text/plain', value: problems.unsupportedMediaType('text/plain').body },
        },
      ),
      IdempotencyKeyReused: problemResponse('This Idempotency-Key was used with another body.', {
        reused: { summary: 'Another body', value: problems.idempotencyKeyReused().body },
      }),
      TooManyRequests: problemResponse(
        'Throttled by the API or its firewall.',
        { throttled: { summary: 'Throttled', value: throttled } },
        { 'Retry-After': retryAfter('Seconds to wait, when the API (not the firewall) throttled.', false) },
      ),
      ServerError: problemResponse('Something unexpected; the details are logged, never answered.', {
        serverError: { summary: 'Unexpected', value: problems.serverError().body },
      }),
      ServiceUnavailable: problemResponse(
        'The store is unavailable, throttled or too slow; nothing half-written blocks a retry.',
        { unavailable: { summary: 'Unavailable', value: problems.storeUnavailable(1).body } },
        { 'Retry-After': retryAfter('Seconds to wait before retrying.', true) },
      ),
    },
  },
};
