import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUser } from '../../test/support/auth.js';
import { openDatabase } from '../store/database.js';
import { startServer } from './server.js';

describe('serve without users', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-serve-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on this computer and prints a one-time set-up link, but refuses another address until a user exists', async () => {
    const config = { dialect: 'sqlite' as const, path: join(dir, 'serve.db') };
    const local = await startServer({ config, host: '127.0.0.1', port: 0, logLevel: 'silent' });
    try {
      expect(local.setupUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup\?token=[\w-]{43}$/);
      const stock = await fetch(`${local.url}/api/v1/stock`);
      expect(stock.status).toBe(200);
    } finally {
      await local.close();
    }

    await expect(startServer({ config, host: '0.0.0.0', port: 0, logLevel: 'silent' })).rejects.toThrow(
      /Refusing to listen on 0\.0\.0\.0: this Leanstock has no users.*bin\/leanstock user add NAME --admin/,
    );

    const database = await openDatabase(config);
    await addUser(database, 'ann', 'admin');
    await database.close();
    const shared = await startServer({ config, host: '0.0.0.0', port: 0, logLevel: 'silent' });
    try {
      expect(shared.setupUrl).toBeUndefined();
      const port = new URL(shared.url).port;
      const anonymous = await fetch(`http://127.0.0.1:${port}/api/v1/stock`);
      expect(anonymous.status).toBe(401);
    } finally {
      await shared.close();
    }
  });
});
