/**
 * The API's OpenAPI 3.1 reference, generated: the request body is the validator's own JSON Schema
 * (request-schema.ts), the answers are the contract's shapes, and every example is in the words the
 * service itself answers with (rules/messages.ts, http-problems.ts), so the reference cannot drift.
 */

import { limits } from '../core/rules/limits.ts';
import { messages } from '../core/rules/messages.ts';
import { problems } from './http-problems.ts';
import { requiredSignupFields, signupRequestSchema } from './request-schemas.ts';

export const customersPath = '/api/v1/customers/';

type Schema = Record<string, unknown>;
type Examples = Record<string, { summary: string; value: unknown }>;

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** YYYY-MM-DD; the API also reads a one-digit month or day, and answers zero-padded. */
const datePattern = '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$';

/**
 * What a client sends in each field. The validator's schema leaves types out on purpose (a wrong
 * type is a field error, reported with every other), so the reference adds them here.
 */
const requestFieldTypes: Record<keyof typeof signupRequestSchema.properties, Schema> = {
  email: { type: 'string', format: 'email', maxLength: limits.emailMaxLength },
  first_name: { type: 'string', maxLength: limits.nameMaxLength },
  last_name: { type: 'string', maxLength: limits.nameMaxLength },
  // maxLength counts characters and cannot say bytes: a password of at most 72 bytes has at most 72
  // characters, so this bound refuses nothing the API accepts; the description says the rest.
  password: { type: 'string', format: 'password', maxLength: limits.passwordMaxBytes },
  // Any longer second password cannot match an accepted first one.
  password2: { type: 'string', format: 'password', maxLength: limits.passwordMaxBytes },
  date_of_birth: { type: ['string', 'null'], format: 'date', maxLength: 10, pattern: datePattern },
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

/** The contract's example signup and its answer. */
const exampleSignup = {
  email: 'john@example.com',
  first_name: 'John',
  last_name: 'Doe',
  password: 'SecureP@ssw0rd123',
  password2: 'SecureP@ssw0rd123',
  date_of_birth: '1990-01-15',
};
const exampleCustomer = {
  email: 'john@example.com',
  first_name: 'John',
  last_name: 'Doe',
  slug: 'john-doe',
  date_of_birth: '1990-01-15',
  address: null,
  last_purchase_date: null,
};

const customer: Schema = {
  title: 'Customer',
  description: 'The new customer: exactly these seven keys.',
  type: 'object',
  required: Object.keys(exampleCustomer),
  additionalProperties: false,
  properties: {
    email: {
      type: 'string',
      format: 'email',
      maxLength: limits.emailMaxLength,
      description: 'As sent, trimmed, with its domain lower-cased.',
    },
    first_name: { type: 'string', maxLength: limits.nameMaxLength, description: 'Trimmed.' },
    last_name: { type: 'string', maxLength: limits.nameMaxLength, description: 'Trimmed.' },
    slug: {
      type: 'string',
      maxLength: 50,
      pattern: '^[a-z0-9][a-z0-9_-]*$',
      description:
        'Unique over all customers: the full name transliterated to ASCII and slugified (`customer` when nothing is left), then the first free of `base`, `base-2`, `base-3`, …',
    },
    date_of_birth: {
      type: ['string', 'null'],
      format: 'date',
      maxLength: 10,
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
    },
    address: { type: 'null', description: 'Not set at signup.' },
    last_purchase_date: { type: 'null', description: 'Not set at signup.' },
  },
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
  tags: [{ name: 'Customers', description: 'Signing up new customers.' }],
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
            description: 'Created.',
            headers: corsHeaders,
            content: json(schemaRef('Customer'), {
              created: { summary: "The contract's example signup", value: exampleCustomer },
            }),
          },
          '400': responseRef('BadRequest'),
          '409': responseRef('IdempotencyKeyInProgress'),
          '413': responseRef('PayloadTooLarge'),
          '415': responseRef('UnsupportedMediaType'),
          '422': responseRef('IdempotencyKeyReused'),
          ...answersToAnyMethod,
          '503': responseRef('ServiceUnavailable'),
        },
      },
      options: {
        operationId: 'preflightCreateCustomer',
        tags: ['Customers'],
        summary: 'CORS preflight',
        description:
          'Allows POST with `Content-Type` and `Idempotency-Key` from the configured origins only.',
        security: [],
        responses: {
          '204': {
            description: 'No content; the CORS headers when the origin is allowed.',
            headers: corsHeaders,
          },
          ...answersToAnyMethod,
        },
      },
      // Documented as operations so that clients know the 405 and its Allow header.
      ...Object.fromEntries(
        ['get', 'put', 'patch', 'delete'].map((method) => [
          method,
          {
            operationId: `${method}CustomersNotAllowed`,
            tags: ['Customers'],
            summary: 'Not allowed',
            description: `${method.toUpperCase()} is not a method of this path: 405, with the allowed ones in \`Allow\`.`,
            security: [],
            responses: { '405': responseRef('MethodNotAllowed'), ...answersToAnyMethod },
          },
        ]),
      ),
    },
  },
  components: {
    schemas: {
      SignupRequest: signupRequest,
      Customer: customer,
      FieldErrors: fieldErrors,
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
            notAnObject: { summary: 'A JSON list', value: problems.notADictionary('list').body },
            noData: { summary: 'JSON null', value: problems.noData().body },
            malformedJson: {
              summary: "Malformed JSON (after the dash, the parser's own words)",
              value: problems.malformedJson(
                'Expecting property name enclosed in double quotes: line 1 column 27 (char 26)',
              ).body,
            },
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
