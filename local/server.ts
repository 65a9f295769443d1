/**
 * `npm start`: the signup API on this machine. The same handler Lambda runs, behind a small HTTP
 * server that turns each request into an API Gateway proxy event, on an embedded DynamoDB
 * (dynalite, kept under DATA_DIR) or on the DynamoDB-compatible endpoint in DYNAMODB_ENDPOINT.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createSignupHandler } from '../functions/create-customer/create-signup-handler.ts';
import { createDynamoDbClient } from '../functions/dynamodb/client.ts';
import { isStoreFault } from '../functions/dynamodb/faults.ts';
import { TIMEOUT_EARLY_MS } from '../functions/http/post-route.ts';
import { createTelemetry } from '../functions/http/telemetry.ts';
import { quoted, readSettings, SettingError, type Settings } from '../functions/settings.ts';
import { createVerificationUseCases } from '../functions/verify-customer/use-cases.ts';
import { localContext, toApiGatewayEvent } from './api-gateway-event.ts';
import { ensureTable, missingIndexes, startEmbeddedDynamoDb } from './embedded-dynamodb.ts';
import { estimateHashMs, highestCostWithin } from './hash-time.ts';
import { createLocalHandlers, type Handler } from './local-handlers.ts';
import { startLocalInbox } from './local-inbox.ts';
import { localMailSettings, startLocalMail } from './local-mail.ts';
import { localSignupSecret } from './signup-secret.ts';
import { startWebOrigin, withOpenApiDocument } from './web-origin.ts';

/** The deployed function's timeout: the local run keeps the same time budget. */
const FUNCTION_TIMEOUT_MS = 10_000;
/** What a signup has before it is answered 503: the hash must fit in it, with the store's requests. */
const SIGNUP_BUDGET_MS = FUNCTION_TIMEOUT_MS - TIMEOUT_EARLY_MS;
const DEFAULT_PORT = 3000;
/** API Gateway refuses larger payloads before the function sees them (it allows 10 MB; a local run needs less). */
const MAX_FORWARDED_BYTES = 1024 * 1024;

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

/** Serves each request with `handler`, keeping the answers not yet sent so that a stop can wait for them. */
const serve = (handler: Handler) => {
  const inFlight = new Set<Promise<void>>();
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const answered = (async () => {
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
    })();
    inFlight.add(answered);
    void answered.finally(() => inFlight.delete(answered));
  };
  return { listener, answered: () => Promise.allSettled(inFlight) };
};

/** PORT as a number; the page and the local inbox take the next two ports, so the last two ports are not one. */
const readPort = (text: string | undefined): number => {
  const port = Number(text ?? DEFAULT_PORT);
  if (!/^\d+$/.test(text ?? String(DEFAULT_PORT)) || port > 65_533) {
    throw new SettingError(
      'PORT',
      `PORT=${quoted(text)} is not a port: use a number from 1 to 65533 (the signup page takes PORT+1, the local inbox PORT+2), or 0 for any free ports`,
    );
  }
  return port;
};

/** What takes each port after PORT, which the user never set. */
const portTakers = ['the signup page takes (PORT+1)', 'the local inbox takes (PORT+2)'] as const;

/** Why `port` cannot be listened on, as a mistake of PORT: the page's port is PORT+1, the inbox's PORT+2. */
const portRefused = (error: unknown, port: number, listening: number): Error => {
  const code = (error as { code?: unknown }).code;
  const which =
    listening === port ? `port ${port}` : `port ${listening}, which ${portTakers[listening - port - 1]},`;
  const freeToo =
    listening === port + 1 ? 'whose next port is free too' : 'whose next two ports are free too';
  if (code === 'EADDRINUSE') {
    return new SettingError(
      'PORT',
      `PORT=${port}: ${which} is in use (another npm start?): ${listening === port ? 'set PORT to a free port' : `choose a PORT ${freeToo}`}`,
    );
  }
  if (code === 'EACCES') {
    return new SettingError('PORT', `PORT=${port}: ${which} is not open to this user: use a port above 1023`);
  }
  return error instanceof Error ? error : new Error(String(error));
};

const listen = (server: Server, port: number): Promise<number> =>
  new Promise((listening, failed) => {
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      listening((server.address() as AddressInfo).port);
    });
  });

/** A bcrypt cost whose one hash cannot fit the signup's time budget would answer every signup 503. */
const refuseSlowHash = (cost: number): void => {
  const hashMs = estimateHashMs(cost);
  if (hashMs <= SIGNUP_BUDGET_MS) return;
  throw new SettingError(
    'BCRYPT_COST',
    `BCRYPT_COST=${cost}: one hash would take about ${Math.round(hashMs / 1000)} s on this machine, over the ${SIGNUP_BUDGET_MS / 1000} s a signup has: use ${highestCostWithin(SIGNUP_BUDGET_MS, cost, hashMs)} or less`,
  );
};

/** What in CORS_ORIGINS no browser's call from the page would match, said in one line; undefined when nothing. */
const corsOriginsWarning = (
  corsOrigins: readonly string[],
  pageOrigin: string | undefined,
): string | undefined => {
  // A browser sends a bare origin: an entry with a path, a trailing slash or no scheme never matches.
  const notOrigins = corsOrigins.filter((origin) => URL.parse(origin)?.origin !== origin);
  const mistakes = [
    ...(pageOrigin === undefined || corsOrigins.includes(pageOrigin)
      ? []
      : [
          `leaves out the signup page's origin ${pageOrigin}: the page will not be able to call the API (add it, or unset CORS_ORIGINS)`,
        ]),
    ...(notOrigins.length === 0
      ? []
      : [
          `${notOrigins.join(', ')} ${notOrigins.length === 1 ? 'is not an origin' : 'are not origins'} such as https://shop.example.com (no path, no trailing slash)`,
        ]),
  ];
  return mistakes.length === 0 ? undefined : `Warning: CORS_ORIGINS ${mistakes.join('; ')}`;
};

/** The table, created unless it exists; a store that is not there, or refuses the name, is a setting's mistake. */
const prepareTable = async (
  endpoint: string,
  { tableName, emailVerification }: Settings,
  external: boolean,
  dataDir: string,
): Promise<void> => {
  const client = createDynamoDbClient({ endpoint });
  try {
    await ensureTable(client, tableName);
    // The verify route queries the token index, which dynalite cannot add to a table it already holds.
    const missing = emailVerification === 'required' ? await missingIndexes(client, tableName) : [];
    if (missing.length > 0) {
      const where = external ? `TABLE_NAME=${tableName}` : `DATA_DIR=${dataDir}`;
      throw new SettingError(
        external ? 'TABLE_NAME' : 'DATA_DIR',
        `${where} holds a customers table from before e-mail verification (no ${missing.join(', ')}): use another ${external ? 'TABLE_NAME' : 'DATA_DIR'}, or move it aside`,
      );
    }
  } catch (error) {
    if (error instanceof SettingError) throw error;
    const { name, message, code } = error as Error & { code?: string };
    if (external && isStoreFault(error)) {
      throw new SettingError(
        'DYNAMODB_ENDPOINT',
        `DYNAMODB_ENDPOINT=${endpoint}: no DynamoDB answers there (${code ?? name}): start it, or unset DYNAMODB_ENDPOINT to use the embedded store`,
      );
    }
    if (name === 'ValidationException') {
      throw new SettingError('TABLE_NAME', `TABLE_NAME=${tableName}: DynamoDB refuses it (${message})`);
    }
    throw error;
  } finally {
    client.destroy();
  }
};

const main = async () => {
  const port = readPort(process.env.PORT || undefined);
  const dataDir = resolve(process.env.DATA_DIR || '.data');
  // Kept in DATA_DIR: links mailed before a restart work after it.
  const signupSecret = localSignupSecret(process.env, dataDir);
  // Every setting is checked before anything starts.
  const settings = readSettings({
    ...process.env,
    TABLE_NAME: process.env.TABLE_NAME || 'customers',
    SIGNUP_SECRET: signupSecret,
  });
  refuseSlowHash(settings.bcryptCost);
  const external = settings.dynamodbEndpoint !== undefined;
  const mailContext = { tableName: settings.tableName, signupSecret };
  localMailSettings(process.env, { ...mailContext, dynamodbEndpoint: settings.dynamodbEndpoint ?? '' });

  // The signup page on the next port (PORT=0: any free one): an origin the API allows unless told otherwise.
  const customersUrl = Promise.withResolvers<string>();
  const pagePort = port === 0 ? 0 : port + 1;
  const webOrigin = await startWebOrigin({
    port: pagePort,
    customersUrl: customersUrl.promise,
    emailVerification: settings.emailVerification,
  }).catch((error: unknown) => {
    throw portRefused(error, port, pagePort);
  });
  // The local inbox on the port after the page's, unless SES_ENDPOINT names another SES endpoint.
  const inboxPort = port === 0 ? 0 : port + 2;
  const inbox = process.env.SES_ENDPOINT
    ? undefined
    : await startLocalInbox(inboxPort).catch((error: unknown) => {
        throw portRefused(error, port, inboxPort);
      });
  const corsOrigins = process.env.CORS_ORIGINS === undefined ? webOrigin.origins : settings.corsOrigins;
  const warning = corsOriginsWarning(corsOrigins, webOrigin.origins[0]);
  if (warning !== undefined) console.error(warning);

  const embedded = external ? undefined : await startEmbeddedDynamoDb({ dataDir });
  const endpoint = settings.dynamodbEndpoint ?? embedded?.endpoint ?? '';
  await prepareTable(endpoint, settings, external, dataDir);

  const mail = startLocalMail(
    localMailSettings(process.env, {
      ...mailContext,
      dynamodbEndpoint: endpoint,
      sesEndpoint: inbox?.url,
      verifyUrl: `${webOrigin.url.replace(/\/$/, '')}/verify`,
    }),
    endpoint,
  );

  const storeSettings = { ...settings, signupSecret, dynamodbEndpoint: endpoint, corsOrigins };
  const api = serve(
    createLocalHandlers({
      // Through the relay's client: every customer write reaches the mailer, as the stream does in AWS.
      signup: createSignupHandler(storeSettings, mail.documentClient),
      ...(settings.emailVerification === 'required'
        ? createVerificationUseCases(storeSettings, mail.documentClient)
        : {}),
      corsOrigins,
      telemetry: createTelemetry(),
    }),
  );
  const server = createServer(withOpenApiDocument(api.listener));
  const boundPort = await listen(server, port).catch((error: unknown) => {
    throw portRefused(error, port, port);
  });
  customersUrl.resolve(`http://127.0.0.1:${boundPort}/api/v1/customers/`);
  console.log(`Signup page: ${webOrigin.url}`);
  console.log(inbox ? `Mail: local inbox ${inbox.url}/` : `Mail: ${process.env.SES_ENDPOINT}`);
  console.log(`OpenAPI reference: http://127.0.0.1:${boundPort}/openapi.json`);
  console.log(`Signup API: http://127.0.0.1:${boundPort}/api/v1/customers/`);
  console.log(embedded ? `Store: embedded DynamoDB in ${dataDir} on ${endpoint}` : `Store: ${endpoint}`);

  const stop = async () => {
    // New requests are refused; those already in flight are answered before their store goes.
    server.close();
    server.closeIdleConnections();
    await api.answered();
    server.closeAllConnections();
    await webOrigin.close();
    await inbox?.close();
    // Closing dynalite writes LevelDB out: the next start on the same DATA_DIR knows every customer.
    await embedded?.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

try {
  await main();
} catch (error) {
  // One line for a person, never a stack: a setting's mistake says what to do.
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof SettingError ? message : `npm start failed: ${message.split('\n')[0]}`);
  process.exit(1);
}
