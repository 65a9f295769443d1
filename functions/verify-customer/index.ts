import { createTelemetry } from '../http/telemetry.ts';
import { readSettings } from '../settings.ts';
import { createVerifyHandler } from './handler.ts';
import { createVerificationUseCases } from './use-cases.ts';

const settings = readSettings(process.env);

/** The Lambda entry of `POST …/verify/`: settings read and clients built once per process. */
export const handler = createVerifyHandler({
  verify: createVerificationUseCases(settings).verify,
  corsOrigins: settings.corsOrigins,
  telemetry: createTelemetry(),
});
