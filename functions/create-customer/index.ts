import { createSignupHandler } from './create-signup-handler.ts';
import { readSettings } from './settings.ts';

/** The Lambda entry: settings read and clients built once per process, reused by warm invocations. */
export const handler = createSignupHandler(readSettings(process.env));
