import type { OracleCase } from './oracle-case.ts';

/**
 * Requests this service answers otherwise than the contract's Django oracle, on purpose or for a
 * reason no JavaScript runtime can remove, each with why. The oracle tests leave them out (before the
 * oracle records, so that no later slug shifts); what we answer instead is tested elsewhere.
 */
export const deliberateDeviations = [
  {
    matches:
      /^dup[- ](idn[- ]punycode|kelvin[- ]sign|long[- ]s)|its punycode spelling|the same with the Kelvin sign/,
    reason:
      'One account per mailbox (the hardening and security issues): the e-mail key folds an IDN domain to punycode, ' +
      'NFC, Unicode full case folding (ſ is s) and a needlessly quoted local part, where Django compares only ASCII ' +
      'letters case-insensitively. Tested in one-account-per-mailbox.test.ts and email-key.test.ts.',
  },
  {
    matches:
      /idn combining mark first|idn unassigned|starts with a combining mark|unassigned in Unicode 3\.2/,
    reason:
      "Python checks an IDN label by IDNA 2003 on Unicode 3.2; Node's domainToASCII by UTS 46 on Unicode 16, which " +
      'refuses a label that starts with a combining mark and code points unassigned in 3.2 but not now.',
  },
] as const;

export const isDeliberateDeviation = (request: OracleCase): boolean =>
  deliberateDeviations.some(({ matches }) => matches.test(request.id) || matches.test(request.note));
