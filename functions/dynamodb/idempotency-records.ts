import {
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type IdempotencyRecords,
  type KeyClaim,
  type KeyedRequest,
  REPLAY_WINDOW_SECONDS,
  type RememberedAnswer,
  type RequestDigests,
} from '../core/idempotency-records.ts';
import { customersTable } from './customers-table.ts';
import { translateStoreFaults } from './faults.ts';

/** Record ids are `idempotency#<SHA-256 of the record key>`, apart from `customer#` and `slug#` items. */
const KEY_PREFIX = 'idempotency';
/** A claim that meets a record being freed or expiring at that moment tries again, this often at most. */
const CLAIM_ATTEMPTS = 3;

/** Powertools' payload: the record key and the request's digest, both keyed by the signup secret. */
type Payload = { key: string; body: string };

const isRememberedAnswer = (value: unknown): value is RememberedAnswer =>
  typeof (value as RememberedAnswer | undefined)?.statusCode === 'number' &&
  typeof (value as RememberedAnswer | undefined)?.body === 'string';

/**
 * The records of requests with an Idempotency-Key, on Powertools' DynamoDB persistence layer, in the
 * customers table: a conditional put claims a key (unless a live record holds it: completed and under
 * 24 hours old, or in progress within its request's time budget), an update keeps the answer, a
 * delete frees the key. The TTL attribute lets DynamoDB remove expired records; until it does, and
 * on dynalite which never does, expired records count as absent.
 *
 * dynalite ignores `ReturnValuesOnConditionCheckFailure`, so a refused claim there costs one
 * consistent read for the record it met; DynamoDB returns the record with the refusal.
 */
export const createDynamoDbIdempotencyRecords = (
  db: DynamoDBDocumentClient,
  tableName: string,
  digests: RequestDigests,
): IdempotencyRecords => {
  // Powertools would store a SHA-256 of the key and of the body: a short key, then the body's
  // password, could be found by guessing. It gets values keyed by the secret instead.
  const payloadOf = (request: KeyedRequest): Payload => ({
    key: digests.recordKey(request.key),
    body: digests.digest(request),
  });
  const persistence = new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: customersTable.partitionKey,
    expiryAttr: customersTable.timeToLiveAttribute,
    // The customer store's client: one connection pool, one retry and timeout policy. A document
    // client sends the persistence layer's low-level commands unchanged.
    awsSdkV3Client: db as unknown as DynamoDBClient,
  });
  persistence.configure({
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      payloadValidationJmesPath: 'body',
      expiresAfterSeconds: REPLAY_WINDOW_SECONDS,
      hashFunction: 'sha256',
    }),
    keyPrefix: KEY_PREFIX,
  });

  /** The record that refused a claim, checked against this request's body (else `IdempotencyValidationError`). */
  const recordMet = async (
    refusal: IdempotencyItemAlreadyExistsError,
    payload: Payload,
  ): Promise<IdempotencyRecord> =>
    refusal.existingRecord === undefined
      ? await persistence.getRecord(payload)
      : persistence.processExistingRecord(refusal.existingRecord, payload);

  const claimOnce = async (payload: Payload, inProgressMs: number): Promise<KeyClaim | undefined> => {
    try {
      await persistence.saveInProgress(payload, inProgressMs);
      return { state: 'claimed' };
    } catch (error) {
      if (!(error instanceof IdempotencyItemAlreadyExistsError)) throw error;
      let record: IdempotencyRecord;
      try {
        record = await recordMet(error, payload);
      } catch (readError) {
        if (readError instanceof IdempotencyValidationError) return { state: 'other-request' };
        // Freed since the claim was refused: claim again.
        if (readError instanceof IdempotencyItemNotFoundError) return undefined;
        throw readError;
      }
      const status = record.getStatus();
      if (status === IdempotencyRecordStatus.COMPLETED) {
        const answer = record.getResponse();
        if (!isRememberedAnswer(answer)) throw new Error('An idempotency record holds no answer.');
        return { state: 'completed', answer };
      }
      if (status === IdempotencyRecordStatus.INPROGRESS) return { state: 'in-progress' };
      // Expired since the claim was refused: claim again.
      return undefined;
    }
  };

  return {
    claim: (request, inProgressMs) =>
      translateStoreFaults(async () => {
        const payload = payloadOf(request);
        for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
          const claim = await claimOnce(payload, inProgressMs);
          if (claim !== undefined) return claim;
        }
        // The record keeps changing under this request: another one with the key is at work.
        return { state: 'in-progress' };
      }),
    remember: (request, { statusCode, body }) =>
      translateStoreFaults(() => persistence.saveSuccess(payloadOf(request), { statusCode, body })),
    forget: (request) => translateStoreFaults(() => persistence.deleteRecord(payloadOf(request))),
  };
};
