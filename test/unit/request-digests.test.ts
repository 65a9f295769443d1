import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestDigests } from '../../functions/core/idempotency-records.ts';

const secret = 's'.repeat(32);
const otherSecret = 't'.repeat(32);
const request = { key: '7', body: '{"email":"john@example.com","password":"SecureP@ssw0rd123"}' };

/** Every way the old scheme let a table reader test a guess: the key's SHA-256, the digest keyed by the key. */
const guessable = ({ key, body }: typeof request): string[] =>
  [createHmac('sha256', key).update(body), createHash('sha256').update(key)].flatMap((hash) => {
    const digest = hash.digest();
    return [digest.toString('base64'), digest.toString('base64url'), digest.toString('hex')];
  });

describe('the digests of a keyed request', () => {
  it('depend on the secret: the same key and body under another secret give other values', () => {
    const mine = requestDigests(secret);
    const theirs = requestDigests(otherSecret);

    expect(mine.digest(request)).not.toBe(theirs.digest(request));
    expect(mine.recordKey(request.key)).not.toBe(theirs.recordKey(request.key));
  });

  it('are stable for one secret: a retry of the request gets the same ones', () => {
    expect(requestDigests(secret).digest(request)).toBe(requestDigests(secret).digest({ ...request }));
    expect(requestDigests(secret).recordKey('7')).toBe(requestDigests(secret).recordKey('7'));
  });

  it('are nothing a guess of the key and body can be tested against without the secret', () => {
    const digests = requestDigests(secret);
    const stored = [digests.digest(request), digests.recordKey(request.key)];

    for (const value of guessable(request)) expect(stored).not.toContain(value);
    // Separate keys for separate purposes: the record key is not the digest of a body-less request.
    expect(digests.recordKey(request.key)).not.toBe(digests.digest({ key: request.key, body: '' }));
  });

  it('tell where the key ends and the body begins', () => {
    const digests = requestDigests(secret);

    expect(digests.digest({ key: 'ab', body: 'c' })).not.toBe(digests.digest({ key: 'a', body: 'bc' }));
  });
});
