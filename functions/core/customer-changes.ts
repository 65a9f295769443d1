/*
 * What a change of a customer item calls for, decided from the item before and after the write
 * alone: no clock, no store, no secret. The mails and events go out from the table's changes rather
 * than from the request, so that an answer never waits for a mail provider and an outage of one
 * delays its mails without losing them.
 */

import { readCustomer } from './customer.ts';
import type { StoredCustomer } from './customer-store.ts';

/** A customer item as the change carries it: its attributes as plain values (a stream image, unmarshalled). */
export type CustomerImage = Readonly<Record<string, unknown>>;

/** One write to a customer item: the item before and after it (absent: it did not exist, or was deleted). */
export interface CustomerChange {
  /** The id of the change itself, the same on every delivery of it: what a consumer deduplicates events by. */
  changeId: string;
  emailKey: string;
  oldImage?: CustomerImage | undefined;
  newImage?: CustomerImage | undefined;
}

export const customerEventTypes = ['CustomerSignedUp', 'CustomerVerified'] as const;
export type CustomerEventType = (typeof customerEventTypes)[number];

export interface CustomerEvent {
  type: CustomerEventType;
  changeId: string;
  /** The customer as the signup answers it, when it was made, whether it is active. */
  customer: StoredCustomer;
}

export type CustomerChangeAction =
  /** Mail the link of this nonce, if the account still holds it when the mail would go. */
  | { action: 'send-verification-mail'; emailKey: string; nonce: string }
  /** Tell the owner of a verified address that someone tried to sign up with it. */
  | { action: 'send-signup-attempt-notice'; emailKey: string; to: string; firstName: string }
  | { action: 'publish-event'; event: CustomerEvent };

const text = (image: CustomerImage | undefined, name: string): string | undefined => {
  const value = image?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Built from named attributes only: nothing else of the item (its password, nonce, hash) can reach an event. */
const publicCustomer = (image: CustomerImage): StoredCustomer | undefined => {
  const customer = readCustomer(image);
  const createdAt = text(image, 'created_at');
  if (customer === undefined || createdAt === undefined) return undefined;
  return { ...customer, created_at: createdAt, is_active: image.is_active === true };
};

/**
 * The mails and events one change calls for:
 * - a pending account with a nonce it did not have before: the verification mail of that nonce;
 * - a notice nonce it did not have before: the notice to the address's owner;
 * - a claim it did not hold before (a new customer, or a pending one replaced): `CustomerSignedUp`;
 * - pending before and active after: `CustomerVerified`.
 * A deleted item, or one stripped of its personal data, calls for nothing.
 */
export const customerChangeActions = ({
  changeId,
  emailKey,
  oldImage,
  newImage,
}: CustomerChange): CustomerChangeAction[] => {
  if (newImage === undefined) return [];
  const actions: CustomerChangeAction[] = [];
  const tokenNonce = text(newImage, 'token_nonce');
  if (
    newImage.is_active === false &&
    tokenNonce !== undefined &&
    tokenNonce !== text(oldImage, 'token_nonce')
  )
    actions.push({ action: 'send-verification-mail', emailKey, nonce: tokenNonce });

  const noticeNonce = text(newImage, 'notice_nonce');
  const email = text(newImage, 'email');
  const firstName = text(newImage, 'first_name');
  if (
    noticeNonce !== undefined &&
    noticeNonce !== text(oldImage, 'notice_nonce') &&
    email !== undefined &&
    firstName !== undefined
  )
    actions.push({ action: 'send-signup-attempt-notice', emailKey, to: email, firstName });

  const customer = publicCustomer(newImage);
  if (customer === undefined) return actions;
  const claim = text(newImage, 'claim_id');
  if (claim !== undefined && claim !== text(oldImage, 'claim_id'))
    actions.push({ action: 'publish-event', event: { type: 'CustomerSignedUp', changeId, customer } });
  if (oldImage?.is_active === false && newImage.is_active === true)
    actions.push({ action: 'publish-event', event: { type: 'CustomerVerified', changeId, customer } });
  return actions;
};
