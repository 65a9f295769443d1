import { randomUUID } from 'node:crypto';
import { slugCandidate } from '../core/rules/slug-candidate.ts';
import type { dynamoDbCustomers } from './customers.ts';
import { bestEffort } from './faults.ts';
import type { TableRequests } from './table-requests.ts';

export const slugKey = (slug: string): string => `slug#${slug}`;
export const slugCounterKey = (slugBase: string): string => `slug-next#${slugBase}`;

/** The item on a slug: which signup reserved it. It stays as the record of the slug's owner. */
export interface SlugReservation {
  email_key: string;
  /** Tells this signup's reservation from any other, of the same e-mail key too. */
  claim_id: string;
  /** Epoch milliseconds: only decides when an unfinished reservation counts as abandoned. */
  claimed_at: number;
}

/** The counter item of a slug base. */
interface SlugCounter {
  /** The last suffix index handed out: each signup takes the next one with an atomic add. */
  next: number;
  /** Every index below this one holds a stored customer's slug. */
  swept: number;
  /**
   * Epoch milliseconds of the last move of `swept`: the index at `swept` was handed out no later,
   * unless the counter had not reached it then.
   */
  swept_at: number;
  /** The signup the index before `next` was handed to, so that the next signup checks it in one read. */
  previous: Partial<Pick<SlugReservation, 'email_key' | 'claim_id'>>;
}

/** Indices taken by other bases' slugs in a row before the counter skips ahead, and how often it may. */
const STEPS_OF_ONE = 3;
const MAX_ATTEMPTS = 16;
/** Indices a signup looks at below its own: one to move past, one to reclaim, within 12 requests. */
const SWEEP_LOOKS = 2;

export interface SlugReservationOptions {
  now: () => number;
  /** How long an unfinished reservation is left to its signup before another may reclaim it. */
  reclaimAfterMs: number;
}

/**
 * Slug reservations, `slug#<slug>`: the item on each slug is its one authority, written with a
 * condition (absent, or still the abandoned reservation being taken over), so no two signups ever
 * hold one slug. Reclaiming an abandoned reservation first revokes it on the customer's e-mail key
 * (`customers.revoke`), so its signup, however late it resumes, can no longer store a customer under
 * it. Clocks only decide when an unfinished reservation counts as abandoned; safety never rests on them.
 *
 * Which index to try comes from the counter of the base, `slug-next#<base>`, in O(1) requests
 * whatever the history of the name: an atomic add hands each signup an index of its own, and the
 * lowest indices not known to be stored (from `swept`, two at most per signup) are looked at, to move
 * past one whose customer is stored or to reclaim one whose signup gave up, so one signup after
 * another gets the first free slug and no base slug stays blocked.
 */
export const dynamoDbSlugReservations = (
  table: TableRequests,
  customers: ReturnType<typeof dynamoDbCustomers>,
  { now, reclaimAfterMs }: SlugReservationOptions,
) => {
  /** Writes the reservation if `holder` still holds the slug (or nobody does, when undefined). */
  const reserve = async (slug: string, mine: SlugReservation, holder?: SlugReservation): Promise<boolean> => {
    const written = await table.put(
      slugKey(slug),
      { ...mine },
      holder === undefined
        ? { expression: 'attribute_not_exists(#claimId)', names: { '#claimId': 'claim_id' } }
        : {
            expression: '#claimId = :holder',
            names: { '#claimId': 'claim_id' },
            values: { ':holder': holder.claim_id },
          },
    );
    if (written) return true;
    // The SDK retries a write whose answer was lost: the retry then meets the first attempt's write.
    return (await table.get(slugKey(slug), ['claim_id']))?.claim_id === mine.claim_id;
  };

  const advanceSweep = (slugBase: string, from: number) =>
    table.update(slugCounterKey(slugBase), {
      UpdateExpression: 'SET #swept = :to, #sweptAt = :now',
      ConditionExpression: '#swept = :from',
      ExpressionAttributeNames: { '#swept': 'swept', '#sweptAt': 'swept_at' },
      ExpressionAttributeValues: { ':from': from, ':to': from + 1, ':now': now() },
    });

  /** Hands back an index this signup did not use, unless another was handed out since (then a gap). */
  const giveBack = (slugBase: string, index: number) =>
    table.update(slugCounterKey(slugBase), {
      UpdateExpression: 'SET #next = :before',
      ConditionExpression: '#next = :index',
      ExpressionAttributeNames: { '#next': 'next' },
      ExpressionAttributeValues: { ':index': index, ':before': index - 1 },
    });

  /**
   * Looks at the lowest index not known to be stored: moves past it if its customer is stored, or
   * takes it for `mine` if its signup is gone. Returns the index taken, if any.
   */
  const sweepOne = async (slugBase: string, index: number, counter: SlugCounter, mine: SlugReservation) => {
    const slug = slugCandidate(slugBase, index);
    // One signup after another: the only index to look at was handed out just before this signup's,
    // and that signup's customer alone tells whether it is stored. If not, the long way below.
    const { previous } = counter;
    const onlyIndexBelow = index === counter.swept && index === counter.next - 1;
    // `holds` answers for a customer stored for good: a pending account takes the long way.
    if (onlyIndexBelow && previous.email_key !== undefined && previous.claim_id !== undefined) {
      if (await customers.holds(previous.email_key, previous.claim_id, slug)) {
        await advanceSweep(slugBase, index);
        return 'stored';
      }
    }
    // Once this signup moved `swept`, the next index may have been handed out a moment ago.
    const sweptAt = index === counter.swept ? counter.swept_at : now();
    const holder = (await table.get(slugKey(slug), ['email_key', 'claim_id', 'claimed_at'])) as unknown as
      | SlugReservation
      | undefined;
    if (holder === undefined) {
      // Handed out but never reserved: its signup stopped before, unless the index is recent.
      if (now() - sweptAt < reclaimAfterMs) return 'wait';
      return (await reserve(slug, mine)) ? 'taken' : 'wait';
    }
    const found = await customers.fate(holder.email_key, holder.claim_id);
    if (found === 'open') {
      // Another signup of this very e-mail (a retry after a fault, a double submit) is not waited for:
      // only one of them can store the customer, and revoking leaves that to this one.
      const retry = holder.email_key === mine.email_key;
      if (!retry && now() - holder.claimed_at < reclaimAfterMs) return 'wait';
    }
    // Revoked first even when another customer holds the e-mail: the reservation could still replace a pending one.
    const fate =
      found === 'open' || found === 'superseded' || found === 'expired'
        ? await customers.revoke(holder.email_key, holder.claim_id)
        : found;
    if (fate === 'dead') return (await reserve(slug, mine, holder)) ? 'taken' : 'wait';
    // A pending account may still expire or be replaced: `swept` stays, so a later signup looks again.
    if (fate === 'pending') return 'pending';
    await advanceSweep(slugBase, index);
    return 'stored';
  };

  /** Sweeps up to `SWEEP_LOOKS` indices below this signup's own; returns the one it took, if any. */
  const sweep = async (slugBase: string, counter: SlugCounter, mine: SlugReservation) => {
    for (let index = counter.swept; index < Math.min(counter.next, counter.swept + SWEEP_LOOKS); index += 1) {
      const look = await sweepOne(slugBase, index, counter, mine);
      if (look === 'taken') return index;
      if (look === 'wait') return undefined;
    }
    return undefined;
  };

  /** Reserves the first free slug of the base for a signup of this e-mail key. */
  return async (slugBase: string, emailKey: string) => {
    const mine: SlugReservation = { email_key: emailKey, claim_id: randomUUID(), claimed_at: now() };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      // Past a run of other bases' slugs (`john-doe-2` of "John Doe 2"), in growing steps.
      const step = attempt < STEPS_OF_ONE ? 1 : 2 ** (attempt - STEPS_OF_ONE + 1);
      const counter = (await table.updateAndRead(slugCounterKey(slugBase), {
        // Operands read the item as it was: `previous` gets the signup that was `latest` until now.
        UpdateExpression:
          'ADD #next :step SET #swept = if_not_exists(#swept, :one), #sweptAt = if_not_exists(#sweptAt, :now), ' +
          '#previous = if_not_exists(#latest, :nobody), #latest = :mine',
        ExpressionAttributeNames: {
          '#next': 'next',
          '#swept': 'swept',
          '#sweptAt': 'swept_at',
          '#previous': 'previous',
          '#latest': 'latest',
        },
        ExpressionAttributeValues: {
          ':step': step,
          ':one': 1,
          ':now': now(),
          ':nobody': {},
          ':mine': { email_key: mine.email_key, claim_id: mine.claim_id },
        },
      })) as unknown as SlugCounter;
      const reclaimed = attempt === 0 ? await sweep(slugBase, counter, mine) : undefined;
      if (reclaimed !== undefined) {
        await giveBack(slugBase, counter.next);
        return { slug: slugCandidate(slugBase, reclaimed), claimId: mine.claim_id };
      }
      const slug = slugCandidate(slugBase, counter.next);
      const reserved = await reserve(slug, mine).catch(async (error: unknown) => {
        // A fault before the reservation: the index goes back, so a retry is not sent past it.
        await bestEffort(() => giveBack(slugBase, counter.next));
        throw error;
      });
      if (reserved) return { slug, claimId: mine.claim_id };
    }
    throw new Error(`no free slug of ${slugBase} after ${MAX_ATTEMPTS} attempts`);
  };
};
