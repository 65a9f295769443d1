import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/*
 * A mail or an event that fails is delivered again by the queue, later: two quick attempts here are
 * enough, and a provider that hangs must not hold the batch past the function's timeout (a batch that
 * times out comes back whole, its mails already sent included).
 */
const MAX_ATTEMPTS = 2;
const CONNECTION_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 3_000;

const requestHandler = () =>
  new NodeHttpHandler({
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
    httpAgent: { keepAlive: true },
    httpsAgent: { keepAlive: true },
  });

/** A local endpoint (the local inbox) takes dummy credentials and `us-east-1`, as the local store does. */
const localOrAws = (endpoint: string | undefined) =>
  endpoint === undefined
    ? {}
    : { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

export const createSesClient = (endpoint?: string): SESv2Client =>
  new SESv2Client({ ...localOrAws(endpoint), maxAttempts: MAX_ATTEMPTS, requestHandler: requestHandler() });

export const createEventBridgeClient = (): EventBridgeClient =>
  new EventBridgeClient({ maxAttempts: MAX_ATTEMPTS, requestHandler: requestHandler() });
