/**
 * `npm start`: the signup API on this machine. The same handler Lambda runs, behind a small HTTP
 * server that turns each request into an API Gateway proxy event, on an embedded DynamoDB
 * (dynalite, kept under DATA_DIR) or on the DynamoDB-compatible endpoint in DYNAMODB_ENDPOINT.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createSignupHandler } from '../functions/create-customer/create-signup-handler.ts';
import { createDynamoDbClient } from '../functions/create-customer/dynamodb-client.ts';
import { readSettings } from '../functions/create-customer/settings.ts';
import { localContext, toApiGatewayEvent } from './api-gateway-event.ts';
import { type EmbeddedDynamoDb, ensureTable, startEmbeddedDynamoDb } from './embedded-dynamodb.ts';
import { startWebOrigin, withOpenApiDocument } from './web-origin.ts';

/** The deployed function's timeout: the local run keeps the same time budget. */
const FUNCTION_TIMEOUT_MS = 10_000;
/** API Gateway refuses larger payloads before the function sees them (it allows 10 MB; a local run needs less). */
const MAX_FORWARDED_BYTES = 1024 * 1024;

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The body, cut short past MAX_FORWARDED_BYTES: the handler still sees it is over its 16 KiB and
 * answers 413 itself, with the headers and the log line of any answer.
 */
const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (size <= MAX_FORWARDED_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks).subarray(0, MAX_FORWARDED_BYTES + 1)));
    request.on('error', reject);
  });

const send = (response: ServerResponse, result: APIGatewayProxyResult) => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name] = values.map(String);
  response.writeHead(result.statusCode, headers);
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
};

/**
 * What the server itself failed at (the handler answers every failure of its own), as one JSON line
 * like the handler's: the error's name, code and message, and the route, never the body or a header.
 */
const logServerError = (request: IncomingMessage, error: unknown) => {
  const { name, message, code } = (
    error instanceof Error ? error : new Error(String(error))
  ) as NodeJS.ErrnoException;
  console.error(
    JSON.stringify({
      level: 'ERROR',
      message: 'The local server could not answer a request',
      timestamp: new Date().toISOString(),
      service: 'customer-signup-local',
      method: request.method,
      // Without the query, and without parsing what may not parse.
      path: request.url?.split('?')[0],
      error: { name, message, ...(code === undefined ? {} : { code }) },
    }),
  );
};

const serve = (handler: Handler) => async (request: IncomingMessage, response: ServerResponse) => {
  try {
    const body = await readBody(request);
    send(response, await handler(toApiGatewayEvent(request, body), localContext(FUNCTION_TIMEOUT_MS)));
  } catch (error) {
    logServerError(request, error);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    send(response, {
      statusCode: 500,
      // The handler's headers could not be had: at least no cache keeps this and no browser sniffs it.
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
      body: JSON.stringify({ detail: 'A server error occurred.' }),
    });
  }
};

const main = async () => {
  const port = Number(process.env.PORT ?? 3000);
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    TABLE_NAME: process.env.TABLE_NAME || 'customers',
  };
  let embedded: EmbeddedDynamoDb | undefined;
  if (!environment.DYNAMODB_ENDPOINT) {
    const dataDir = resolve(process.env.DATA_DIR || '.data');
    mkdirSync(dataDir, { recursive: true });
    embedded = await startEmbeddedDynamoDb({ dataDir });
    environment.DYNAMODB_ENDPOINT = embedded.endpoint;
  }
  // The signup page on the next port (PORT=0: any free one): an origin the API allows unless told otherwise.
  const customersUrl = Promise.withResolvers<string>();
  const webOrigin = await startWebOrigin({
    port: port === 0 ? 0 : port + 1,
    customersUrl: customersUrl.promise,
  });
  environment.CORS_ORIGINS ??= webOrigin.origins.join(',');
  const settings = readSettings(environment);
  await ensureTable(createDynamoDbClient({ endpoint: environment.DYNAMODB_ENDPOINT }), settings.tableName);

  const server = createServer(withOpenApiDocument(serve(createSignupHandler(settings))));
  server.listen(port, '127.0.0.1');
  await new Promise((ready) => server.once('listening', ready));
  const { port: boundPort } = server.address() as AddressInfo;
  customersUrl.resolve(`http://127.0.0.1:${boundPort}/api/v1/customers/`);
  console.log(`Signup page: ${webOrigin.url}`);
  console.log(`OpenAPI reference: http://127.0.0.1:${boundPort}/openapi.json`);
  console.log(`Signup API: http://127.0.0.1:${boundPort}/api/v1/customers/`);
  console.log(
    embedded
      ? `Store: embedded DynamoDB in ${resolve(process.env.DATA_DIR || '.data')}`
      : `Store: ${settings.dynamodbEndpoint}`,
  );

  const stop = async () => {
    server.close();
    server.closeAllConnections();
    await webOrigin.close();
    // Closing dynalite writes LevelDB out: the next start on the same DATA_DIR knows every customer.
    await embedded?.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

await main();
