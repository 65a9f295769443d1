import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { StoreUnavailableError } from '../core/customer-store.ts';

/**
 * Whether DynamoDB (or the way to it) failed, rather than the request: unreachable, throttled, too
 * slow, or a server error. The SDK's own classification, the one its retries go by.
 */
export const isStoreFault = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError);
};

/** Runs `work`, turning a fault of the store into `StoreUnavailableError` and letting anything else through. */
export const translateStoreFaults = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (isStoreFault(error)) throw new StoreUnavailableError('The store did not answer.', { cause: error });
    throw error;
  }
};

/** For a write that only frees something sooner: a fault of the store must not hide the signup's own error. */
export const bestEffort = async (work: () => Promise<unknown>): Promise<void> => {
  try {
    await work();
  } catch (error) {
    if (!isStoreFault(error)) throw error;
  }
};
