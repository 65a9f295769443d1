/**
 * The function's time budget ran out before the signup could be answered, whatever it was waiting
 * for: a hash too slow for its cost, or a store slower than its timeouts. Answered with 503, but not
 * called a store fault: the store may have answered every request at once.
 */
export class TimeBudgetExceededError extends Error {
  override name = 'TimeBudgetExceededError';
}
