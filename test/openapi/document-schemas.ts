import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiDocument } from '../../functions/http/openapi.ts';

export type Schema = Record<string, unknown>;

interface MediaType {
  schema: Schema;
  examples?: Record<string, { value: unknown }>;
}

export interface Response {
  description: string;
  content?: Record<string, MediaType>;
  headers?: Record<string, unknown>;
}

export interface Operation {
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, Response | { $ref: string }>;
}

/** The generated document as the JSON that `/openapi.json` serves, typed just enough to walk. */
export const servedDocument = JSON.parse(JSON.stringify(openApiDocument)) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Response> };
};

const resolve = (response: Response | { $ref: string }): Response => {
  if (!('$ref' in response)) return response;
  const name = response.$ref.replace('#/components/responses/', '');
  const resolved = servedDocument.components.responses[name];
  if (resolved === undefined) throw new Error(`${response.$ref} is not in the document`);
  return resolved;
};

/** The documented answer of `method` on `path` with `status`, or undefined when the document has none. */
export const documentedResponse = (path: string, method: string, status: number): Response | undefined => {
  const response = servedDocument.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
  return response === undefined ? undefined : resolve(response);
};

/** Every response of every operation, resolved, with a name for test titles. */
export const allResponses = (): [string, Response][] =>
  Object.entries(servedDocument.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(
        (entry): entry is [string, Operation] => typeof entry[1] === 'object' && 'responses' in entry[1],
      )
      .flatMap(([method, operation]) =>
        Object.entries(operation.responses).map(([status, response]): [string, Response] => [
          `${method.toUpperCase()} ${path} ${status}`,
          resolve(response),
        ]),
      ),
  );

/**
 * JSON Schema 2020-12, OpenAPI 3.1's dialect, strict so that a misspelt keyword fails too; `format`
 * stays an annotation, as 3.1 has it. The document's components sit beside each schema under the
 * same pointer as in the document, so that its `$ref`s resolve.
 */
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, validateFormats: false });
ajv.addKeyword('components');

/** Checks values against one of the document's schemas: the errors, none when the value fits. */
export const schemaChecker = (schema: Schema) => {
  const validate = ajv.compile({ ...schema, components: servedDocument.components });
  return (value: unknown): string[] =>
    validate(value)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
};
