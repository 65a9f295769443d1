import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useEmbeddedTable } from '../support/dynalite.ts';
import { contractShapeProblems, hostileRequests, INHERITED_NAMES } from '../support/hostile-requests.ts';
import { createTestHandler, invoke } from '../support/signup-handler.ts';

const db = await useEmbeddedTable();
const handler = createTestHandler({ documentClient: db.documentClient, tableName: db.tableName });

const itemCount = async () =>
  (await db.documentClient.send(new ScanCommand({ TableName: db.tableName, Select: 'COUNT' }))).Count ?? 0;

const MAX_BODY_BYTES = 16 * 1024;
/** Raise for a longer run: HOSTILE_RUNS=20000. */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 600);

describe('hostile input (fast-check)', () => {
  it(
    'never gets a 5xx, always gets the contract’s JSON, and stores nothing unless it is a signup',
    async () => {
      const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
      let runs = 0;

      await fc.assert(
        fc.asyncProperty(hostileRequests(), async (request) => {
          runs += 1;
          const before = await itemCount();

          const answer = await invoke(handler, request);

          const stored = (await itemCount()) - before;
          expect(answer.statusCode).toBeLessThan(500);
          expect(answer.headers?.['Content-Type']).toBe('application/json');
          expect(contractShapeProblems(answer.statusCode, answer.json)).toEqual([]);
          if (answer.statusCode === 201) expect(stored).toBeGreaterThan(0);
          else expect(stored).toBe(0);
          if (request.method === 'POST' && Buffer.byteLength(request.body) > MAX_BODY_BYTES) {
            expect(answer.statusCode).toBe(413);
          }
          // Not even the parser's words may quote the password back.
          expect(answer.body).not.toContain('hostile-pass');
        }),
        { numRuns: RUNS },
      );

      expect(runs).toBe(RUNS);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
    30_000 + RUNS * 40,
  );

  it('answers a body over 16 KiB, counted in UTF-8 bytes, with 413 and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 * MAX_BODY_BYTES }),
        fc.constantFrom('x', 'é', '\u{1F600}', '\ud800'),
        async (length, filler) => {
          const body = JSON.stringify({ padding: filler.repeat(length) });
          const before = await itemCount();

          const answer = await invoke(handler, { headers: { 'Content-Type': 'application/json' }, body });

          const tooLarge = Buffer.byteLength(body) > MAX_BODY_BYTES;
          expect(answer.statusCode).toBe(tooLarge ? 413 : 400);
          if (tooLarge) expect(answer.json).toEqual({ detail: 'Request body is too large.' });
          expect(await itemCount()).toBe(before);
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each(INHERITED_NAMES)(
    'reads a JSON key, a form field and a header named %s as a name like any other',
    async (name) => {
      const fields = {
        email: `${name.replaceAll('_', '')}-names@example.com`,
        first_name: 'Named',
        last_name: 'Fields',
        password: 'Named#Fields-9',
        password2: 'Named#Fields-9',
      };
      const json = `{${Object.entries({ ...fields, [name]: 'x' })
        .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
        .join(', ')}}`;
      const form = new URLSearchParams({ ...fields, email: `form-${fields.email}` });
      form.append(name, 'x');

      const fromJson = await invoke(handler, {
        headers: { 'Content-Type': 'application/json', [name]: 'x' },
        body: json,
      });
      const fromForm = await invoke(handler, {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', [name]: 'x' },
        body: form.toString(),
      });

      expect([fromJson.statusCode, fromForm.statusCode]).toEqual([201, 201]);
    },
  );

  it('does not quote a password back in a JSON parse error', async () => {
    const answer = await invoke(handler, {
      headers: { 'Content-Type': 'application/json' },
      body: '{"email": "a@example.com", "password": SecretPassword123}',
    });

    expect(answer.statusCode).toBe(400);
    expect(answer.json).toEqual({ detail: "JSON parse error - Unexpected token 'S' in JSON" });
  });
});
