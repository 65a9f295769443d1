import { readSignupSettings } from '../settings.ts';
import { createSignupHandler } from './create-signup-handler.ts';

/** The Lambda entry: settings read and clients built once per process, reused by warm invocations. */
export const handler = createSignupHandler(readSignupSettings(process.env));
