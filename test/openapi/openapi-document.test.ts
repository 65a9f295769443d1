import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { messages } from '../../functions/core/rules/messages.ts';
import { checkSignup, signupFields } from '../../functions/core/rules/signup-form.ts';
import { customersPath, resendPath, verifyPath } from '../../functions/http/openapi.ts';
import {
  requiredResendFields,
  requiredSignupFields,
  requiredVerifyFields,
  resendRequestSchema,
  signupRequestSchema,
  verifyRequestSchema,
} from '../../functions/http/request-schemas.ts';
import {
  allResponses,
  documentedResponse,
  type Schema,
  schemaChecker,
  servedDocument,
} from './document-schemas.ts';

describe('the OpenAPI reference', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();

    const result = await validator.validate(servedDocument);

    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it("describes the request, as JSON and as a form, with the validator's own schema", () => {
    const request = servedDocument.components.schemas.SignupRequest as {
      required: string[];
      properties: Record<string, unknown>;
    };
    const content = servedDocument.paths[customersPath]?.post?.requestBody?.content ?? {};

    expect(request.required).toEqual([...requiredSignupFields]);
    expect(request.properties).toMatchObject(signupRequestSchema.properties);
    expect(Object.keys(request.properties)).toEqual(Object.keys(signupRequestSchema.properties));
    for (const mediaType of ['application/json', 'application/x-www-form-urlencoded']) {
      expect(content[mediaType]?.schema).toEqual({ $ref: '#/components/schemas/SignupRequest' });
    }
  });

  it('documents every field the rules read, in the request and in its field errors', () => {
    const { SignupRequest, FieldErrors } = servedDocument.components.schemas as Record<
      string,
      { properties: Record<string, unknown> }
    >;
    expect(Object.keys(SignupRequest?.properties ?? {})).toEqual([...signupFields]);
    expect(Object.keys(FieldErrors?.properties ?? {})).toEqual([...signupFields]);
  });

  it.each([
    ['verify', verifyPath, 'VerifyRequest', verifyRequestSchema, requiredVerifyFields],
    ['resend', resendPath, 'ResendRequest', resendRequestSchema, requiredResendFields],
  ] as const)(
    "describes the %s request, as JSON and as a form, with the validator's own schema",
    (_name, path, component, schema, required) => {
      const request = servedDocument.components.schemas[component] as {
        required: string[];
        properties: Record<string, unknown>;
      };
      const content = servedDocument.paths[path]?.post?.requestBody?.content ?? {};

      expect(request.required).toEqual([...required]);
      expect(request.properties).toMatchObject(schema.properties);
      expect(Object.keys(request.properties)).toEqual(Object.keys(schema.properties));
      for (const mediaType of ['application/json', 'application/x-www-form-urlencoded']) {
        expect(content[mediaType]?.schema).toEqual({ $ref: `#/components/schemas/${component}` });
      }
    },
  );

  it('documents every answer of the contract', () => {
    for (const status of [201, 202, 400, 409, 413, 415, 422, 429, 503]) {
      expect(documentedResponse(customersPath, 'POST', status), `POST ${status}`).toBeDefined();
    }
    for (const [path, statuses] of [
      [verifyPath, [200, 400, 413, 415, 429, 500, 503]],
      [resendPath, [202, 400, 413, 415, 429, 500, 503]],
    ] as const) {
      for (const status of statuses) {
        expect(documentedResponse(path, 'POST', status), `POST ${path} ${status}`).toBeDefined();
      }
      expect(documentedResponse(path, 'OPTIONS', 204), `OPTIONS ${path}`).toBeDefined();
      expect(documentedResponse(path, 'GET', 405)?.headers).toHaveProperty('Allow');
    }
    expect(documentedResponse(customersPath, 'GET', 405)?.headers).toHaveProperty('Allow');
    expect(documentedResponse(customersPath, 'POST', 503)?.headers).toHaveProperty('Retry-After');
  });

  it("gives the contract's words for the 202s and the verification's field errors", () => {
    const examplesOf = (path: string, status: number) =>
      Object.values(
        documentedResponse(path, 'POST', status)?.content?.['application/json']?.examples ?? {},
      ).map((example) => example.value);

    expect(examplesOf(customersPath, 202)).toEqual([{ detail: 'Check your inbox to finish signing up.' }]);
    expect(examplesOf(resendPath, 202)).toEqual([
      { detail: 'If an account at this address is waiting for confirmation, a new link is on its way.' },
    ]);
    expect(examplesOf(verifyPath, 400)).toEqual(
      expect.arrayContaining([
        { token: ['This link is invalid or has expired.'] },
        { password: ['This is not the password this account was created with.'] },
        { token: ['This field is required.'], password: ['This field is required.'] },
      ]),
    );
  });

  it('has schemas that compile as strict JSON Schema 2020-12', () => {
    for (const [name, schema] of Object.entries(servedDocument.components.schemas)) {
      expect(() => schemaChecker(schema), name).not.toThrow();
    }
  });

  it('has examples that fit their schemas', () => {
    const requestContents = [customersPath, verifyPath, resendPath].map(
      (path) => [path, servedDocument.paths[path]?.post?.requestBody?.content ?? {}] as const,
    );
    const mediaTypes = [
      ...requestContents.flatMap(([path, content]) =>
        Object.entries(content).map(([type, mediaType]) => [`request ${path} ${type}`, mediaType] as const),
      ),
      ...allResponses().flatMap(([name, response]) =>
        Object.entries(response.content ?? {}).map(
          ([type, mediaType]) => [`${name} ${type}`, mediaType] as const,
        ),
      ),
    ];
    let examples = 0;
    for (const [name, mediaType] of mediaTypes) {
      const check = schemaChecker(mediaType.schema);
      for (const [exampleName, example] of Object.entries(mediaType.examples ?? {})) {
        examples += 1;
        expect(check(example.value), `${name}: ${exampleName}`).toEqual([]);
      }
    }
    expect(examples).toBeGreaterThanOrEqual(30);
  });

  it('bounds each text field of the request where the rules do', () => {
    const properties = (
      servedDocument.components.schemas.SignupRequest as { properties: Record<string, Schema> }
    ).properties;
    const maxLengthOf = (field: string) => Number(properties[field]?.maxLength);
    const rules = {
      today: '2026-12-01',
      isCommonPassword: () => false,
      transliterate: (text: string) => text,
    };
    const valid = {
      email: 'john@example.com',
      first_name: 'John',
      last_name: 'Doe',
      password: 'SecureP@ssw0rd123',
      password2: 'SecureP@ssw0rd123',
    };
    const errorsWith = (changes: Record<string, string>) =>
      checkSignup({ ...valid, ...changes }, rules).errors;
    const emailOf = (length: number) => `${'a'.repeat(length - '@example.com'.length)}@example.com`;

    for (const [field, ofLength] of [
      ['email', emailOf],
      ['first_name', (length: number) => 'é'.repeat(length)],
      ['last_name', (length: number) => '😀'.repeat(length)],
    ] as const) {
      const limit = maxLengthOf(field);
      expect(errorsWith({ [field]: ofLength(limit) }), `${field} of ${limit}`).toEqual({});
      expect(errorsWith({ [field]: ofLength(limit + 1) })[field], `${field} of ${limit + 1}`).toContain(
        messages.maxLength(limit),
      );
    }
    // Characters, not bytes: the longest accepted password is ASCII, and one more character is refused.
    const longestPassword = 'Aa1!'.repeat(maxLengthOf('password') / 4);
    const password = (value: string) => ({ password: value, password2: value });
    expect(errorsWith(password(longestPassword))).toEqual({});
    expect(errorsWith(password(`${longestPassword}A`))).toEqual({
      password: [messages.passwordTooLong],
    });
    expect(maxLengthOf('password2')).toBe(maxLengthOf('password'));
  });
});
