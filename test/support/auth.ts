import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/domain/auth/roles.js';
import { createUser } from '../../src/services/auth/users.service.js';
import type { Database } from '../../src/store/database.js';

export const TEST_PASSWORD = 'correct horse battery';

/** Creates a user with the test password. */
export async function addUser(database: Database, username: string, role: Role, now = Date.now()): Promise<void> {
  await createUser(database, { username, role, password: TEST_PASSWORD }, { actor: 'test', now });
}

export type BrowserSession = { cookie: string; csrf: string; headers: Record<string, string> };

/** Signs in through the API as a browser would; `headers` carry the cookies and the CSRF token for writes. */
export async function signInAs(
  app: FastifyInstance,
  username: string,
  password = TEST_PASSWORD,
  code?: string,
): Promise<BrowserSession> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password, ...(code !== undefined && { code }) },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in as ${username}: ${response.statusCode} ${response.body}`);
  const cookies = response.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = response.cookies.find((c) => c.name === 'leanstock_csrf')!.value;
  return { cookie: cookies, csrf, headers: { cookie: cookies, 'x-csrf-token': csrf } };
}

/** Creates an API token for a signed-in user and answers its secret. */
export async function createToken(
  app: FastifyInstance,
  session: BrowserSession,
  body: { name: string; role?: Role; expires_in_days?: number },
): Promise<{ id: number; token: string }> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: session.headers, payload: body });
  if (response.statusCode !== 201) throw new Error(`token: ${response.statusCode} ${response.body}`);
  return response.json();
}
