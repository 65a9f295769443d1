import { createTelemetry } from '../http/telemetry.ts';
import { readSettings } from '../settings.ts';
import { createVerificationUseCases } from '../verify-customer/use-cases.ts';
import { createResendHandler } from './handler.ts';

const settings = readSettings(process.env);

/** The Lambda entry of `POST …/verify/resend/`: settings read and clients built once per process. */
export const handler = createResendHandler({
  resend: createVerificationUseCases(settings).resend,
  corsOrigins: settings.corsOrigins,
  telemetry: createTelemetry(),
});
