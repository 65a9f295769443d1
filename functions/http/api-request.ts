import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { KeyedRequest } from '../core/idempotency-records.ts';

/** How the body was sent: it decides how its values read (a form sends only strings). */
export type BodyKind = 'json' | 'form' | 'empty';

/** What the middlewares learn of a request and hand on: the body for the handler, the rest for the answer. */
export interface ApiRequestState extends Record<string, unknown> {
  bodyKind: BodyKind;
  rawBody: string;
  /** When the request began (`performance.now()`), for its latency. */
  startedAt: number;
  /** The Idempotency-Key this request claimed, if it sent one. */
  claimedKey?: KeyedRequest;
  /** The key's record could not be written after the answer was decided: the answer stands. */
  idempotencyFault?: 'not-remembered' | 'not-forgotten';
}

/**
 * The parsed body replaces the text body once the body middleware has run; a signup that claimed
 * an Idempotency-Key carries the digest of its key and body (`RequestDigests.digest`).
 */
export type ApiEvent = Omit<APIGatewayProxyEvent, 'body'> & { body: unknown; keyedDigest?: string };
export type ApiRequest = Request<ApiEvent, APIGatewayProxyResult, Error, Context, ApiRequestState>;
/** A middleware of the API's handlers: its event, answer, context and shared state. */
export type ApiMiddleware = MiddlewareObj<ApiEvent, APIGatewayProxyResult, Error, Context, ApiRequestState>;
