import { StoreUnavailableError } from '../core/customer-store.ts';

const STORE_FAULT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Whether DynamoDB (or the way to it) failed, rather than the request: unreachable, throttled, too slow. */
export const isStoreFault = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const { code, $metadata } = error as { code?: unknown; $metadata?: { httpStatusCode?: number } };
  return (
    STORE_FAULT_NAMES.has(error.name) ||
    (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) ||
    ($metadata?.httpStatusCode ?? 0) >= 500
  );
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
