import { readMailSettings } from '../mail/settings.ts';
import { createCustomerChangesHandler } from './create-customer-changes-handler.ts';

/** The Lambda entry: settings read and clients built once per process, reused by warm invocations. */
export const handler = createCustomerChangesHandler(readMailSettings(process.env));
