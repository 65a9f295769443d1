import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { messages } from '../../functions/core/rules/messages.ts';
import { createSignupHandler } from '../../functions/create-customer/create-signup-handler.ts';
import { customerKey } from '../../functions/dynamodb/customers.ts';
import { readSignupSettings } from '../../functions/settings.ts';
import { useEmbeddedTable } from '../support/dynalite.ts';
import { testSignupSecret } from '../support/new-customer.ts';
import { contractCustomer, invoke, jsonPost, validSignup } from '../support/signup-handler.ts';

const db = await useEmbeddedTable({ freshTablePerTest: true });

/** The Lambda's signup handler, built from these settings as its entry builds it. */
const handlerWith = (environment: Record<string, string>) =>
  createSignupHandler(
    readSignupSettings({
      TABLE_NAME: db.tableName,
      BCRYPT_COST: '4',
      SIGNUP_SECRET: testSignupSecret,
      ...environment,
    }),
    db.documentClient,
  );

const stored = async () =>
  (
    await db.documentClient.send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: customerKey('john@example.com') },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('the signup handler with the verification settings', () => {
  it('answers 201 as before and stores a pending account when verification is required', async () => {
    const answer = await invoke(handlerWith({ EMAIL_VERIFICATION: 'required' }), jsonPost(validSignup()));

    expect(answer.statusCode).toBe(201);
    expect(answer.json).toEqual(contractCustomer);
    expect(await stored()).toMatchObject({ is_active: false, failed_attempts: 0 });
  });

  it('answers 202 for a new and a pending address under enumeration protection', async () => {
    const handler = handlerWith({ EMAIL_VERIFICATION: 'required', ENUMERATION_PROTECTION: 'on' });

    const answers = [
      await invoke(handler, jsonPost(validSignup())),
      await invoke(handler, jsonPost(validSignup({ first_name: 'Jane' }))),
    ];

    expect(answers.map(({ statusCode, json }) => ({ statusCode, json }))).toEqual([
      { statusCode: 202, json: { detail: messages.signupAccepted } },
      { statusCode: 202, json: { detail: messages.signupAccepted } },
    ]);
  });

  it('stores an active account at once with verification off', async () => {
    const answer = await invoke(handlerWith({}), jsonPost(validSignup()));

    expect(answer.statusCode).toBe(201);
    expect(await stored()).toMatchObject({ is_active: true });
    expect(await stored()).not.toHaveProperty('token_hash');
  });
});
