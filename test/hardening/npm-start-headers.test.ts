import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INHERITED_NAMES } from '../support/hostile-requests.ts';
import { type LocalServer, startLocalServer } from '../support/local-server.ts';

const PAGE = 'https://shop.example.com';

const signup = (email: string) =>
  JSON.stringify({
    email,
    first_name: 'Header',
    last_name: 'Names',
    password: 'Header#Names-9',
    password2: 'Header#Names-9',
  });

const post = (server: LocalServer, body: string, headers: Record<string, string> = {}, query = '') =>
  fetch(`${server.baseUrl}/api/v1/customers/${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: PAGE, ...headers },
    body,
  });

/** Sends the head of a request that promises more body than it sends, then hangs up. */
const abortMidBody = (server: LocalServer) =>
  new Promise<void>((resolve, reject) => {
    const { hostname, port } = new URL(server.baseUrl);
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        'POST /api/v1/customers/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":',
      );
      setTimeout(() => socket.destroy(), 50);
    });
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });

const logLines = (server: LocalServer) =>
  server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('npm start and what a client names', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer({ CORS_ORIGINS: PAGE });
  });
  afterAll(async () => {
    await server.stop();
  });

  it.each(INHERITED_NAMES)(
    'answers a signup with a header and a query key named %s as any other, with every header',
    async (name) => {
      const response = await post(
        server,
        signup(`${name.replaceAll('_', '')}@example.com`),
        { [name]: 'x' },
        `?${name}=1`,
      );

      expect(response.status).toBe(201);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=/);
      expect(response.headers.get('access-control-allow-origin')).toBe(PAGE);
      expect(response.headers.get('cache-control')).toBe('no-store');
    },
  );

  it.each([
    ['a created customer', 201, signup('cached@example.com')],
    ['field errors', 400, '{"email": "cached@example.com"}'],
  ])('marks %s (%i) no-store: it holds personal data', async (_, status, body) => {
    const response = await post(server, body);

    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('logs one line for a request it could not answer, with no byte of its body', async () => {
    await abortMidBody(server);
    await expect.poll(() => logLines(server).filter((line) => line.level === 'ERROR')).toHaveLength(1);

    const [line] = logLines(server).filter((entry) => entry.level === 'ERROR');
    expect(line).toMatchObject({ method: 'POST', path: '/api/v1/customers/', error: { message: 'aborted' } });
    expect(JSON.stringify(line)).not.toContain('"email"');
  });
});
