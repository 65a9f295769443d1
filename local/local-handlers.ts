import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ResendVerification, VerifyCustomer } from '../functions/core/verification.ts';
import { pathsOf, routes } from '../functions/http/routes.ts';
import type { Telemetry } from '../functions/http/telemetry.ts';
import { createResendHandler } from '../functions/resend-verification/handler.ts';
import { createVerifyHandler } from '../functions/verify-customer/handler.ts';

export type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LocalHandlersOptions {
  /** The signup's handler: it also answers every path no other function takes, with the contract's 404. */
  signup: Handler;
  /** The verify use case, when e-mail verification runs: without it its route is an unknown path. */
  verify?: VerifyCustomer;
  resend?: ResendVerification;
  corsOrigins: readonly string[];
  telemetry: Telemetry;
}

/**
 * What API Gateway does in front of the functions: each route's path goes to its own function's
 * handler, built here from its use case.
 */
export const createLocalHandlers = ({
  signup,
  verify,
  resend,
  corsOrigins,
  telemetry,
}: LocalHandlersOptions): Handler => {
  const byPath = new Map<string, Handler>();
  if (verify !== undefined) {
    const handler = createVerifyHandler({ verify, corsOrigins, telemetry });
    for (const path of pathsOf(routes.verify)) byPath.set(path, handler);
  }
  if (resend !== undefined) {
    const handler = createResendHandler({ resend, corsOrigins, telemetry });
    for (const path of pathsOf(routes.resend)) byPath.set(path, handler);
  }
  return (event, context) => (byPath.get(event.path) ?? signup)(event, context);
};
