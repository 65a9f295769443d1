import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { messages } from '../../functions/core/rules/messages.ts';
import { checkSignup } from '../../functions/core/rules/signup-form.ts';
import { customersPath } from '../../functions/http/openapi.ts';
import { requiredSignupFields, signupRequestSchema } from '../../functions/http/request-schemas.ts';
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

  it('documents every answer of the contract', () => {
    for (const status of [201, 400, 409, 413, 415, 422, 429, 503]) {
      expect(documentedResponse(customersPath, 'POST', status), `POST ${status}`).toBeDefined();
    }
    expect(documentedResponse(customersPath, 'GET', 405)?.headers).toHaveProperty('Allow');
    expect(documentedResponse(customersPath, 'POST', 503)?.headers).toHaveProperty('Retry-After');
  });

  it('has schemas that compile as strict JSON Schema 2020-12', () => {
    for (const [name, schema] of Object.entries(servedDocument.components.schemas)) {
      expect(() => schemaChecker(schema), name).not.toThrow();
    }
  });

  it('has examples that fit their schemas', () => {
    const requestContent = servedDocument.paths[customersPath]?.post?.requestBody?.content ?? {};
    const mediaTypes = [
      ...Object.entries(requestContent).map(([type, mediaType]) => [`request ${type}`, mediaType] as const),
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
    expect(examples).toBeGreaterThanOrEqual(15);
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
