/**
 * What `npm start` serves beside the API: the signup page on an origin of its own, so that the
 * browser calls the API cross-origin (with a CORS preflight) as it would call the deployed one, and
 * the API's OpenAPI reference at `/openapi.json`.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { customersPath, openApiDocument } from '../functions/http/openapi.ts';
import { brand, withBrand } from '../web/brand.ts';
import { bundleSignupForm } from '../web/bundle.ts';

const openApiJson = JSON.stringify(openApiDocument, null, 2);

const sendJson = (
  response: ServerResponse,
  statusCode: number,
  body: string,
  headers: Record<string, string> = {},
) => {
  response.writeHead(statusCode, { 'Content-Type': 'application/json', ...headers });
  response.end(body);
};

/** Answers `GET /openapi.json` with the reference and hands every other request to `next`. */
export const withOpenApiDocument =
  (next: RequestListener): RequestListener =>
  (request, response) => {
    if (new URL(request.url ?? '/', 'http://api').pathname !== '/openapi.json')
      return next(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendJson(response, 405, JSON.stringify({ detail: `Method "${request.method}" not allowed.` }), {
        Allow: 'GET, HEAD',
      });
    }
    // A public document: API tools on any origin may read it.
    sendJson(response, 200, openApiJson, { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' });
  };

export interface WebOrigin {
  /** The signup page. */
  url: string;
  /** The page's origin as a browser names it, by address and by host name: the origins the API must allow. */
  origins: string[];
  close: () => Promise<void>;
}

export interface WebOriginOptions {
  port: number;
  /** The API's customers URL, where the form posts: a promise, since the API listens after the page's origin is known. */
  customersUrl: Promise<string>;
  /** Whether a signup must confirm its address (EMAIL_VERIFICATION): the page shows "Check your inbox" then. */
  emailVerification?: 'off' | 'required';
}

const relativeAction = `action="${customersPath}"`;
const verificationMeta = '<meta name="email-verification" content="off">';

/** Bundles the page's script and serves the page on `port` (0: any free port) until closed. */
export const startWebOrigin = async ({
  port,
  customersUrl,
  emailVerification = 'off',
}: WebOriginOptions): Promise<WebOrigin> => {
  const [page, style, logo, script] = await Promise.all([
    readFile(new URL('../web/index.html', import.meta.url), 'utf8').then(withBrand),
    readFile(new URL('../web/signup-form.css', import.meta.url), 'utf8'),
    readFile(new URL(`../web/${brand.logoFile}`, import.meta.url), 'utf8'),
    bundleSignupForm(),
  ]);
  if (!page.includes(relativeAction)) throw new Error(`web/index.html has no form with ${relativeAction}`);
  if (!page.includes(verificationMeta)) throw new Error(`web/index.html has no ${verificationMeta}`);
  const pageWithMode = page.replace(verificationMeta, verificationMeta.replace('off', emailVerification));
  // The page as deployed beside the API posts to its own origin; here it posts to the API's.
  const servedPage = (apiUrl: string) => ({
    type: 'text/html',
    body: pageWithMode.replace(relativeAction, `action="${apiUrl}"`),
  });

  const assets: Record<string, (apiUrl: string) => { type: string; body: string }> = {
    '/': servedPage,
    // Where the confirmation mail's link leads (VERIFY_URL): the same page, showing its verify view.
    '/verify': servedPage,
    '/signup-form.js': () => ({ type: 'text/javascript', body: script }),
    '/signup-form.css': () => ({ type: 'text/css', body: style }),
    [`/${brand.logoFile}`]: () => ({ type: 'image/svg+xml', body: logo }),
  };

  const server = createServer(async (request, response) => {
    const asset = assets[new URL(request.url ?? '/', 'http://page').pathname];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' });
      return response.end();
    }
    if (asset === undefined) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return response.end('Not found.');
    }
    const apiUrl = await customersUrl;
    const { type, body } = asset(apiUrl);
    const apiOrigin = new URL(apiUrl).origin;
    response.writeHead(200, {
      'Content-Type': `${type}; charset=utf-8`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // Only the page's own files, and only the API to talk to.
      'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src ${apiOrigin}; form-action ${apiOrigin}; base-uri 'none'; frame-ancestors 'none'`,
    });
    response.end(body);
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(port, '127.0.0.1', listening);
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${boundPort}/`,
    origins: [`http://127.0.0.1:${boundPort}`, `http://localhost:${boundPort}`],
    close: () =>
      new Promise((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
};
