import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ContractCase } from '../support/replay-cases.ts';
import { documentedResponse, schemaChecker } from './document-schemas.ts';

const publicCases = JSON.parse(
  readFileSync(new URL('../contract/public-cases.json', import.meta.url), 'utf8'),
) as ContractCase[];

describe("the contract's public cases, against the OpenAPI reference", () => {
  it.each(publicCases.map((contractCase) => [contractCase.id, contractCase] as const))(
    '%s: the recorded answer fits the documented one',
    (_id, contractCase) => {
      const response = documentedResponse(contractCase.path, contractCase.method, contractCase.expect.status);
      const schema = response?.content?.['application/json']?.schema;

      expect(
        schema,
        `${contractCase.method} ${contractCase.expect.status} is documented as JSON`,
      ).toBeDefined();
      expect(schemaChecker(schema ?? {})(contractCase.expect.body)).toEqual([]);
    },
  );
});
