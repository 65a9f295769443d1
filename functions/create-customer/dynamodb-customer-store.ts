import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { customersTable } from '../../lib/customers-table.ts';
import type {
  ClaimedSlug,
  CreateCustomerResult,
  CustomerStore,
  NewCustomer,
  StoredCustomer,
} from './customer-store.ts';
import { isStoreFault, translateStoreFaults } from './dynamodb-faults.ts';
import { slugCandidate } from './rules/slug-candidate.ts';

/**
 * How old a claim must be before a signup may take it over when no customer holds its slug. Longer
 * than the function's timeout, so no live signup is still about to write the customer.
 */
export const CLAIM_GRACE_MS = 60_000;

const PK = customersTable.partitionKey;
const SLUG = customersTable.slugIndex.partitionKey;

export const customerKey = (emailKey: string): string => `customer#${emailKey}`;
export const slugClaimKey = (slug: string): string => `slug#${slug}`;
export const slugHintKey = (slugBase: string): string => `slug-next#${slugBase}`;

/** The claim item on a slug, besides its key. */
export interface SlugClaim {
  email_key: string;
  /** ISO time of the write, for the grace period. */
  claimed_at: string;
  /** Tells this signup's claim from a later one of the same e-mail, even within one millisecond. */
  claim_id: string;
}

interface CustomerItem {
  email: string;
  first_name: string;
  last_name: string;
  slug: string;
  date_of_birth: string | null;
  address: null;
  last_purchase_date: null;
  password: string;
  created_at: string;
  is_active: boolean;
  /** The claim its signup stored it under: tells that signup's own write from another's. */
  claim_id: string;
  /** The keyed digest of its signup's request, if it had an Idempotency-Key: tells that request's retries. */
  signup_request?: string;
}

/** A customer's attributes besides the password, as `findEmailHolder` reads them. */
const CUSTOMER_ATTRIBUTES = [
  'email',
  'first_name',
  'last_name',
  'slug',
  'date_of_birth',
  'created_at',
  'is_active',
  'signup_request',
] as const;

interface HeldClaim {
  slug: string;
  index: number;
  claimId: string;
}

/** The claim `claimSlug` hands the signup, with what `createCustomer` and `releaseSlug` need of it. */
type StoreClaim = ClaimedSlug & HeldClaim;

const isStoreClaim = (claim: ClaimedSlug): claim is StoreClaim =>
  typeof (claim as Partial<StoreClaim>).claimId === 'string' &&
  typeof (claim as Partial<StoreClaim>).index === 'number';

/** The claim a customer is to be stored with: this store's, of the customer's base and e-mail key. */
const claimFor = (customer: NewCustomer, claim: ClaimedSlug): StoreClaim => {
  if (!isStoreClaim(claim)) throw new TypeError('not a slug claim of the DynamoDB customer store');
  if (claim.slugBase !== customer.slugBase || claim.emailKey !== customer.emailKey) {
    throw new TypeError("the slug claim is not for this customer's slug base and e-mail key");
  }
  return claim;
};

/** What a signup reads of the hint item of its base (see `createDynamoDbCustomerStore`). */
interface SlugHint {
  next: number;
  freed: ReadonlySet<number>;
}

const isConditionalCheckFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** For writes that only tidy up or save later requests: a fault must not fail a signup that is decided. */
const bestEffort = async (work: () => Promise<unknown>): Promise<void> => {
  try {
    await work();
  } catch (error) {
    if (!isStoreFault(error)) throw error;
  }
};

const toStoredCustomer = (item: CustomerItem): StoredCustomer => ({
  email: item.email,
  firstName: item.first_name,
  lastName: item.last_name,
  slug: item.slug,
  dateOfBirth: item.date_of_birth,
  createdAt: item.created_at,
  isActive: item.is_active,
});

/**
 * The store on the customers table, with single-item conditional writes only (dynalite has no
 * transactions). A signup claims a slug (`slug#…`, `claimSlug`), then puts the customer (`customer#…`,
 * `createCustomer`), whose conditional put decides the e-mail. The first free index of a slug base is
 * found from its hint item (`slug-next#…`):
 * - `next`: every index below it holds a stored customer's slug, a running signup's claim, or is in
 *   `freed`, so a signup starts there. A signup moves it past its own claim as soon as it holds it,
 *   while its password is hashed: nothing is left for after the hash but the customer's put.
 * - `frontier`: the last index handed out to a signup that met a running one (a claim younger than the
 *   grace period). Concurrent signups of one base thus spread over distinct indices instead of all
 *   trying the same slugs in step, which would cost requests quadratic in their number.
 * - `freed`: indices given back by signups that lost their e-mail: those below `next` are the first
 *   free slugs, offered first; the others are offered before the frontier.
 * A claim at or past `next` whose customer never got written is taken over after `CLAIM_GRACE_MS`, and
 * at once by a signup of the same e-mail (a retry), so nothing half-written blocks a later signup. One
 * below `next` (its signup died between the claim and the customer's put) stays a gap in the numbering.
 */
export const createDynamoDbCustomerStore = (db: DynamoDBDocumentClient, tableName: string): CustomerStore => {
  const read = async (
    pk: string,
    attributes: readonly string[],
  ): Promise<Record<string, unknown> | undefined> => {
    const { Item } = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: { [PK]: pk },
        ConsistentRead: true,
        ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
      }),
    );
    return Item;
  };

  const updateHint = async (slugBase: string, update: Omit<UpdateCommandInput, 'TableName' | 'Key'>) =>
    db.send(new UpdateCommand({ TableName: tableName, Key: { [PK]: slugHintKey(slugBase) }, ...update }));

  const readHint = async (slugBase: string): Promise<SlugHint> => {
    const item = await read(slugHintKey(slugBase), ['next', 'freed']);
    return {
      next: typeof item?.next === 'number' ? item.next : 1,
      freed: item?.freed instanceof Set ? (item.freed as Set<number>) : new Set(),
    };
  };

  /** Moves `next` up to `to` unless another signup moved it further or does not know what this one saw. */
  const raiseNext = async (slugBase: string, from: number, to: number): Promise<void> => {
    try {
      await updateHint(slugBase, {
        UpdateExpression: 'SET #next = :to',
        ConditionExpression: 'attribute_not_exists(#next) OR #next BETWEEN :from AND :last',
        ExpressionAttributeNames: { '#next': 'next' },
        ExpressionAttributeValues: { ':to': to, ':from': from, ':last': to - 1 },
      });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  };

  /** An index above `index` that no other signup got from the frontier. */
  const handOutIndexAfter = async (slugBase: string, index: number): Promise<number> => {
    const names = { '#frontier': 'frontier' };
    for (;;) {
      try {
        const { Attributes } = await updateHint(slugBase, {
          UpdateExpression: 'SET #frontier = #frontier + :one',
          ConditionExpression: '#frontier >= :index',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':one': 1, ':index': index },
          ReturnValues: 'UPDATED_NEW',
        });
        return Attributes?.frontier as number;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      // The frontier is missing or behind this signup: move it to the next index.
      try {
        await updateHint(slugBase, {
          UpdateExpression: 'SET #frontier = :next',
          ConditionExpression: 'attribute_not_exists(#frontier) OR #frontier < :index',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':next': index + 1, ':index': index },
        });
        return index + 1;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
  };

  const customerHoldsSlug = async (emailKey: string, slug: string): Promise<boolean> =>
    (await read(customerKey(emailKey), [SLUG]))?.[SLUG] === slug;

  /** Writes this signup's claim on `slug` if `condition` holds on the claim item there. */
  const writeClaim = async (
    slug: string,
    claim: SlugClaim,
    condition: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<boolean> => {
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { [PK]: slugClaimKey(slug), ...claim },
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: condition.values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  };

  /**
   * Claims the first slug of the base, from the hint on, that no live claim holds. A claim of the
   * same e-mail is taken at once: it is a failed earlier attempt or a concurrent duplicate, and only
   * one of those can store the customer (see `releaseClaim`).
   */
  const claimFirstFreeSlug = async (
    slugBase: string,
    emailKey: string,
    hint: SlugHint,
  ): Promise<HeldClaim & { storedBelow: number }> => {
    const freed = [...hint.freed].sort((a, b) => a - b);
    /** Every index from the hint's `next` up to this one (excluded) holds a stored customer's slug. */
    let storedBelow = hint.next;
    /** The freed index after `index` while below `next`, then `next` itself. */
    const nextBelowHint = (index: number) => Math.min(freed.find((f) => f > index) ?? hint.next, hint.next);
    let index = nextBelowHint(-1);
    for (;;) {
      const slug = slugCandidate(slugBase, index);
      const claim: SlugClaim = {
        email_key: emailKey,
        claimed_at: new Date().toISOString(),
        claim_id: randomUUID(),
      };
      const held = { slug, index, claimId: claim.claim_id };
      const claimed = await writeClaim(slug, claim, {
        expression: 'attribute_not_exists(#pk) OR #emailKey = :emailKey',
        names: { '#pk': PK, '#emailKey': 'email_key' },
        values: { ':emailKey': emailKey },
      });
      // Whoever holds it now, this index is no longer free.
      if (hint.freed.has(index)) {
        await bestEffort(() =>
          updateHint(slugBase, {
            UpdateExpression: 'DELETE #freed :index',
            ExpressionAttributeNames: { '#freed': 'freed' },
            ExpressionAttributeValues: { ':index': new Set([index]) },
          }),
        );
      }
      if (claimed) return { ...held, storedBelow };

      const holder = (await read(slugClaimKey(slug), ['email_key', 'claimed_at', 'claim_id'])) as
        | SlugClaim
        | undefined;
      // Released since the attempt: the same slug is free again.
      if (holder === undefined) continue;
      const running = Date.parse(holder.claimed_at) > Date.now() - CLAIM_GRACE_MS;
      if (!running) {
        if (await customerHoldsSlug(holder.email_key, slug)) {
          if (storedBelow === index) storedBelow = index + 1;
        } else if (
          await writeClaim(slug, claim, {
            expression: '#claimId = :staleClaimId',
            names: { '#claimId': 'claim_id' },
            values: { ':staleClaimId': holder.claim_id },
          })
        ) {
          return { ...held, storedBelow };
        }
      }
      if (index < hint.next) index = nextBelowHint(index);
      else if (running)
        index = freed.find((freedIndex) => freedIndex > index) ?? (await handOutIndexAfter(slugBase, index));
      else index += 1;
    }
  };

  /** Frees the claim of a signup that lost the e-mail, unless the winner's slug rests on it. */
  const releaseClaim = async (slugBase: string, emailKey: string, held: HeldClaim): Promise<void> => {
    if (!(await customerHoldsSlug(emailKey, held.slug))) await freeClaim(slugBase, held);
  };

  /** Deletes this signup's claim and offers its index to the next signup of the base. */
  const freeClaim = async (slugBase: string, held: HeldClaim): Promise<void> => {
    try {
      await db.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { [PK]: slugClaimKey(held.slug) },
          ConditionExpression: '#claimId = :claimId',
          ExpressionAttributeNames: { '#claimId': 'claim_id' },
          ExpressionAttributeValues: { ':claimId': held.claimId },
        }),
      );
    } catch (error) {
      // Another signup of this e-mail took the claim over: it is theirs to keep or free.
      if (isConditionalCheckFailed(error)) return;
      throw error;
    }
    await updateHint(slugBase, {
      UpdateExpression: 'ADD #freed :index',
      ExpressionAttributeNames: { '#freed': 'freed' },
      ExpressionAttributeValues: { ':index': new Set([held.index]) },
    });
  };

  return {
    isEmailTaken: (emailKey) =>
      translateStoreFaults(async () => (await read(customerKey(emailKey), [PK])) !== undefined),

    findEmailHolder: (emailKey, keyedDigest) =>
      translateStoreFaults(async () => {
        const item = (await read(customerKey(emailKey), CUSTOMER_ATTRIBUTES)) as CustomerItem | undefined;
        if (item === undefined) return undefined;
        return { keyedSignup: item.signup_request === keyedDigest ? toStoredCustomer(item) : undefined };
      }),

    claimSlug: (slugBase, emailKey) =>
      translateStoreFaults(async (): Promise<StoreClaim> => {
        const hint = await readHint(slugBase);
        const { storedBelow, ...held } = await claimFirstFreeSlug(slugBase, emailKey, hint);
        // Past this claim too if every index before it is stored: the next signup starts after it.
        const next = storedBelow === held.index ? held.index + 1 : storedBelow;
        if (next > hint.next) await bestEffort(() => raiseNext(slugBase, hint.next, next));
        return { ...held, slugBase, emailKey };
      }),

    createCustomer: (customer: NewCustomer, claim: ClaimedSlug) =>
      translateStoreFaults(async (): Promise<CreateCustomerResult> => {
        const held = claimFor(customer, claim);
        const item: CustomerItem = {
          email: customer.email,
          first_name: customer.firstName,
          last_name: customer.lastName,
          slug: held.slug,
          date_of_birth: customer.dateOfBirth,
          address: null,
          last_purchase_date: null,
          password: customer.passwordHash,
          created_at: new Date().toISOString(),
          is_active: true,
          claim_id: held.claimId,
          ...(customer.keyedDigest === undefined ? {} : { signup_request: customer.keyedDigest }),
        };
        try {
          await db.send(
            new PutCommand({
              TableName: tableName,
              Item: { [PK]: customerKey(customer.emailKey), ...item },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': PK },
            }),
          );
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
          const winner = await read(customerKey(customer.emailKey), ['claim_id', SLUG]);
          // The SDK retries a put whose answer got lost: the retry then meets the first attempt's write.
          if (winner?.claim_id === held.claimId) return { ok: true, customer: toStoredCustomer(item) };
          // The claim goes back unless the winner's slug rests on it. One left behind is taken over
          // later, so a fault here must not hide the answer.
          if (winner?.[SLUG] !== held.slug) await bestEffort(() => freeClaim(customer.slugBase, held));
          return { ok: false, reason: 'email-taken' };
        }
        return { ok: true, customer: toStoredCustomer(item) };
      }),

    releaseSlug: async (claim) => {
      if (!isStoreClaim(claim)) throw new TypeError('not a slug claim of the DynamoDB customer store');
      // A claim left behind is taken over later, so a fault here must not hide the signup's own error.
      await bestEffort(() => releaseClaim(claim.slugBase, claim.emailKey, claim));
    },

    findBySlug: (slug) =>
      translateStoreFaults(async () => {
        const { Items } = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: customersTable.slugIndex.indexName,
            KeyConditionExpression: '#slug = :slug',
            ExpressionAttributeNames: { '#slug': SLUG },
            ExpressionAttributeValues: { ':slug': slug },
          }),
        );
        const item = Items?.[0] as CustomerItem | undefined;
        return item === undefined ? undefined : toStoredCustomer(item);
      }),
  };
};
