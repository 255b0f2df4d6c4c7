import type { FastifyInstance } from 'fastify';
import { generate } from 'otplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signInAs } from '../../../test/support/auth.js';
import type { CliResult } from '../../../test/support/cli.js';
import { createScratchDatabase, type ScratchDatabase, testPostgresUrl } from '../../../test/support/dialects.js';
import { buildApp } from '../../api/app.js';
import { type Database, openDatabase } from '../../store/database.js';
import type { CliDeps, CliStdin } from '../io.js';
import { run } from '../main.js';

const now = Date.UTC(2026, 5, 1, 12);
const PASSWORD = 'correct horse battery';

/** What a person or a pipe gives the command: a line on standard input, or answers typed at a terminal. */
type Input = { line?: string; typed?: string[] };

const pgUrl = testPostgresUrl();
for (const dialect of ['sqlite', 'postgres'] as const) {
  const skip = dialect === 'postgres' && !pgUrl;
  describe.skipIf(skip)(`leanstock user [${dialect}${skip ? ': skipped, set LEANSTOCK_TEST_PG_URL' : ''}]`, () => {
    let scratch: ScratchDatabase;
    let database: Database;
    let app: FastifyInstance;
    let prompts: string[];

    beforeEach(async () => {
      scratch = await createScratchDatabase(dialect);
      database = await openDatabase(scratch.config);
      app = await buildApp({ database, clock: () => now });
      prompts = [];
    });
    afterEach(async () => {
      await app.close();
      await database.close();
      await scratch.drop();
    });

    /** The --db argument for this scratch database; on PostgreSQL its schema travels in the URL. */
    const dbArgument = () =>
      scratch.config.dialect === 'sqlite'
        ? scratch.config.path
        : `${scratch.config.url}?options=${encodeURIComponent(`-c search_path=${scratch.config.schema}`)}`;

    const cli = async (argv: string[], input: Input = {}, env: NodeJS.ProcessEnv = { USER: 'tester' }) => {
      const out: string[] = [];
      const err: string[] = [];
      const typed = [...(input.typed ?? [])];
      const stdin: CliStdin = {
        isTty: input.typed !== undefined,
        readLine: async () => input.line ?? '',
        readHidden: async (prompt) => {
          prompts.push(prompt);
          return typed.shift() ?? '';
        },
      };
      const deps: CliDeps = {
        env,
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
        isTty: false,
        now: () => now,
        stdin,
      };
      const code = await run([...argv, '--db', dbArgument()], deps);
      return { code, stdout: out.join(''), stderr: err.join('') } satisfies CliResult;
    };

    const users = async () => JSON.parse((await cli(['user', 'list', '--json'])).stdout).data;
    const counts = async () => {
      const count = async (table: 'users' | 'invitations' | 'api_tokens') =>
        Number(
          (
            await database.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return {
        users: await count('users'),
        invitations: await count('invitations'),
        tokens: await count('api_tokens'),
      };
    };
    const login = (username: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    const addAdmin = async (username = 'ana') => {
      const added = await cli(['user', 'add', username, '--admin', '--password-stdin'], { line: PASSWORD });
      expect(added, added.stderr).toMatchObject({ code: 0, stderr: '' });
    };

    it('adds the first admin with a password from standard input, who then signs in through the API', async () => {
      const added = await cli(
        ['user', 'add', 'Ana', '--admin', '--name', 'Ana Lima', '--email', 'ana@example.com', '--password-stdin'],
        { line: PASSWORD },
      );
      expect(added).toMatchObject({ code: 0, stderr: '' });
      expect(added.stdout).toBe(
        [
          'Added user ana.',
          'username  ana',
          'name      Ana Lima',
          'email     ana@example.com',
          'role      admin (may read, record, purchase, plan, admin)',
          'From now on everyone signs in to Leanstock, on this computer too.',
          'Next: sign in at http://127.0.0.1:3000/login',
          '',
        ].join('\n'),
      );
      expect(added.stdout).not.toContain(PASSWORD);

      expect((await app.inject({ method: 'GET', url: '/api/v1/stock' })).statusCode).toBe(401);
      const session = await signInAs(app, 'ana', PASSWORD);
      const described = await app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: session.headers });
      expect(described.json()).toMatchObject({
        mode: 'user',
        user: { username: 'ana', name: 'Ana Lima', email: 'ana@example.com', role: 'admin', mfa_enabled: false },
      });
      const audit = await database.db.selectFrom('audit_log').select(['actor', 'action']).where('entity', '=', 'user');
      expect(await audit.execute()).toEqual([{ actor: 'cli:tester', action: 'create' }]);
    });

    it('generates a password when standard input is no terminal, prints it once, and it works', async () => {
      await addAdmin();
      const added = await cli(['user', 'add', 'ben', '--role', 'clerk'], {}, { USER: 'tester', PORT: '8080' });
      expect(added).toMatchObject({ code: 0, stderr: '' });
      const password = /Password \(generated, shown only now\):\n {2}(\S+)\n/.exec(added.stdout)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(added.stdout).toContain(
        'Change it after signing in (Account), or set another with: leanstock user password ben',
      );
      expect(added.stdout).toContain('Next: sign in at http://127.0.0.1:8080/login');
      expect(added.stdout).not.toContain('From now on');
      expect((await login('ben', password!)).statusCode).toBe(200);

      const json = await cli(['user', 'add', 'cy', '--role', 'Viewer', '--json'], {}, { HOST: '0.0.0.0' });
      expect(json).toMatchObject({ code: 0, stderr: '' });
      const shown = JSON.parse(json.stdout);
      expect(shown).toMatchObject({ username: 'cy', role: 'viewer', sign_in_url: 'http://127.0.0.1:3000/login' });
      expect(shown.generated_password).not.toBe(password);
      expect((await login('cy', shown.generated_password)).statusCode).toBe(200);
    });

    it('asks a person at a terminal twice and refuses two different entries', async () => {
      const differ = await cli(['user', 'add', 'ana', '--admin'], { typed: [PASSWORD, `${PASSWORD}!`] });
      expect(differ.code).toBe(2);
      expect(differ.stderr).toContain('error LS_VALIDATION: password: the two entries differ; nothing changed');
      expect(prompts).toEqual(['New password for ana (10–200 characters): ', 'Type it again: ']);
      const short = await cli(['user', 'add', 'ana', '--admin'], { typed: ['short'] });
      expect(short.code).toBe(2);
      expect(short.stderr).toContain('password: must be 10–200 characters (it has 5)');
      expect(await counts()).toMatchObject({ users: 0 });

      const typed = await cli(['user', 'add', 'ana', '--admin'], { typed: [PASSWORD, PASSWORD] });
      expect(typed).toMatchObject({ code: 0, stderr: '' });
      expect(typed.stdout).not.toContain('Password');
      expect((await login('ana', PASSWORD)).statusCode).toBe(200);

      prompts = [];
      const taken = await cli(['user', 'add', 'ANA', '--role', 'clerk'], { typed: [PASSWORD, PASSWORD] });
      expect(taken.code).toBe(2);
      expect(taken.stderr).toContain('error LS_DUPLICATE: username: ana is taken');
      expect(prompts).toEqual([]);
    });

    it('lists users, changes roles, disables and enables, and never demotes or disables the last admin', async () => {
      await addAdmin();
      expect((await cli(['user', 'add', 'ben', '--role', 'clerk', '--password-stdin'], { line: PASSWORD })).code).toBe(
        0,
      );
      const list = await cli(['user', 'list']);
      expect(list).toMatchObject({ code: 0, stderr: '' });
      expect(list.stdout).toBe(
        [
          'username  role   active  MFA  last sign-in (UTC)  locked until (UTC)',
          'ana       admin  yes     off  never',
          'ben       clerk  yes     off  never',
          '',
        ].join('\n'),
      );

      const demoteLast = await cli(['user', 'set-role', 'ana', 'viewer']);
      expect(demoteLast.code).toBe(2);
      expect(demoteLast.stderr).toBe(
        'error LS_INVALID_STATE: role: ana is the last active admin\n' +
          '  role: the last active admin cannot be demoted or disabled; make another user admin first\n',
      );
      const disableLast = await cli(['user', 'disable', 'ana']);
      expect(disableLast.code).toBe(2);
      expect(disableLast.stderr).toContain('error LS_INVALID_STATE: active: ana is the last active admin');
      expect((await users()).map((u: { role: string; active: boolean }) => [u.role, u.active])).toEqual([
        ['admin', true],
        ['clerk', true],
      ]);

      const ben = await signInAs(app, 'ben', PASSWORD);
      const promoted = await cli(['user', 'set-role', 'ben', 'planner']);
      expect(promoted).toMatchObject({ code: 0, stderr: '' });
      expect(promoted.stdout).toBe(
        'ben is now a planner (was clerk); they were signed out, so their next sign-in carries the new role.\n',
      );
      expect((await app.inject({ method: 'GET', url: '/api/v1/stock', headers: ben.headers })).statusCode).toBe(401);
      expect((await cli(['user', 'set-role', 'ben', 'planner'])).stdout).toBe(
        'ben is already a planner; nothing changed.\n',
      );

      expect((await cli(['user', 'disable', 'ben'])).stdout).toBe(
        'Disabled ben: signed out everywhere and their API tokens revoked.\n',
      );
      expect((await login('ben', PASSWORD)).json().error.code).toBe('LS_INVALID_CREDENTIALS');
      expect((await cli(['user', 'list'])).stdout).toContain('ben       planner  no      off');
      const enabled = await cli(['user', 'enable', 'ben', '--json']);
      expect(JSON.parse(enabled.stdout)).toMatchObject({ username: 'ben', role: 'planner', active: true });
      expect((await login('ben', PASSWORD)).statusCode).toBe(200);

      expect((await cli(['user', 'set-role', 'ben', 'admin'])).code).toBe(0);
      expect((await cli(['user', 'disable', 'ana'])).code).toBe(0);
      const unknown = await cli(['user', 'disable', 'zed']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('error LS_UNKNOWN_USER: No user zed');
    });

    it('refuses a role that does not exist, naming the option, and changes nothing', async () => {
      await addAdmin();
      const before = { counts: await counts(), users: await users() };
      const refusals: Array<[string[], string]> = [
        [['user', 'add', 'ben', '--role', 'boss'], '--role: "boss" is not a role; must be one of'],
        [['user', 'add', 'ben'], '--role: is required: give --admin or --role ROLE'],
        [['user', 'add', 'ben', '--admin', '--role', 'clerk'], '--role: --admin and --role clerk disagree'],
        [['user', 'set-role', 'ana', 'boss'], 'role: "boss" is not a role'],
        [['user', 'invite', '--role', 'root'], '--role: "root" is not a role'],
        [['user', 'token', 'create', 'ana', '--name', 'ci', '--role', 'god'], '--role: "god" is not a role'],
        [['user', 'token', 'create', 'ana', '--name', 'ci', '--expires-in-days', 'soon'], '--expires-in-days: "soon"'],
        [['user', 'invite', '--role', 'clerk', '--url', 'ftp://x'], '--url: "ftp://x" must be an http:// or https://'],
        [['user', 'token', 'revoke', 'abc'], 'id: "abc" is not a whole number'],
      ];
      for (const [argv, message] of refusals) {
        const refused = await cli(argv);
        expect(refused.code, argv.join(' ')).toBe(2);
        expect(refused.stderr).toContain(`error LS_VALIDATION: ${message}`);
      }
      expect((await cli(['user', 'add', 'ben', '--role', 'boss'])).stderr).toContain(
        'must be one of viewer, clerk, buyer, planner, admin',
      );
      expect({ counts: await counts(), users: await users() }).toEqual(before);
    });

    it('sets a new password from standard input, which unlocks the user and ends their sessions', async () => {
      await addAdmin();
      const session = await signInAs(app, 'ana', PASSWORD);
      for (let attempt = 0; attempt < 5; attempt++) await login('ana', 'wrong password');
      expect((await login('ana', PASSWORD)).json().error.code).toBe('LS_LOCKED');
      expect((await cli(['user', 'list'])).stdout).toMatch(
        /ana\s+admin\s+yes\s+off\s+2026-06-01 12:00\s+2026-06-01 12:15\n/,
      );

      const changed = await cli(['user', 'password', 'ana', '--password-stdin'], { line: 'a new long passphrase' });
      expect(changed).toMatchObject({ code: 0, stderr: '' });
      expect(changed.stdout).toBe('New password set for ana; unlocked and signed out everywhere.\n');
      expect((await app.inject({ method: 'GET', url: '/api/v1/stock', headers: session.headers })).statusCode).toBe(
        401,
      );
      expect((await login('ana', PASSWORD)).json().error.code).toBe('LS_INVALID_CREDENTIALS');
      expect((await login('ana', 'a new long passphrase')).statusCode).toBe(200);

      const tooShort = await cli(['user', 'password', 'ana', '--password-stdin'], { line: 'short' });
      expect(tooShort.code).toBe(2);
      expect(tooShort.stderr).toContain('password: must be 10–200 characters (it has 5)');
      const generated = await cli(['user', 'password', 'ana', '--json']);
      expect((await login('ana', JSON.parse(generated.stdout).generated_password)).statusCode).toBe(200);
    });

    it('turns off multi-factor sign-in for a user who lost their authenticator', async () => {
      await addAdmin();
      const ana = await signInAs(app, 'ana', PASSWORD);
      const { secret } = (
        await app.inject({ method: 'POST', url: '/api/v1/auth/mfa/setup', headers: ana.headers })
      ).json();
      const code = await generate({ secret, epoch: Math.floor(now / 1000) });
      const enabled = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/mfa/enable',
        headers: ana.headers,
        payload: { code },
      });
      expect(enabled.statusCode, enabled.body).toBe(200);
      expect((await login('ana', PASSWORD)).json().error.code).toBe('LS_MFA_REQUIRED');
      expect((await cli(['user', 'list'])).stdout).toMatch(/ana\s+admin\s+yes\s+on/);

      const reset = await cli(['user', 'reset-mfa', 'ana']);
      expect(reset).toMatchObject({ code: 0, stderr: '' });
      expect(reset.stdout).toContain('Multi-factor sign-in is off for ana');
      expect((await login('ana', PASSWORD)).statusCode).toBe(200);
    });

    it('prints an invitation link that the invitation page and its acceptance answer', async () => {
      await addAdmin();
      const invited = await cli(['user', 'invite', '--role', 'planner', '--email', 'pia@example.com']);
      expect(invited).toMatchObject({ code: 0, stderr: '' });
      expect(invited.stdout).toMatch(
        /^Invitation 1 for a planner \(pia@example\.com\), valid once until 2026-06-08 12:00 UTC:\n {2}http:\/\/127\.0\.0\.1:3000\/invite\?token=[\w-]+\n/,
      );
      const link = new URL(/ {2}(http\S+)/.exec(invited.stdout)![1]!);
      const token = link.searchParams.get('token')!;
      const page = await app.inject({ method: 'GET', url: `/api/v1/invitations/by-token/${token}` });
      expect(page.statusCode).toBe(200);
      expect(page.json()).toEqual({
        role: 'planner',
        email: 'pia@example.com',
        expires_at: '2026-06-08T12:00:00.000Z',
        setup: false,
      });
      const accepted = await app.inject({
        method: 'POST',
        url: `/api/v1/invitations/by-token/${token}/accept`,
        payload: { username: 'pia', password: PASSWORD },
      });
      expect(accepted.statusCode, accepted.body).toBe(201);
      expect((await users()).map((u: { username: string; role: string }) => `${u.username} ${u.role}`)).toEqual([
        'ana admin',
        'pia planner',
      ]);

      const elsewhere = await cli([
        'user',
        'invite',
        '--role',
        'viewer',
        '--url',
        'https://stock.example.com/',
        '--json',
      ]);
      const shown = JSON.parse(elsewhere.stdout);
      expect(shown).toMatchObject({ role: 'viewer', email: null, setup: false, created_by: 'cli:tester' });
      expect(shown.link).toBe(`https://stock.example.com${shown.url}`);
      const fromEnv = await cli(
        ['user', 'invite', '--role', 'viewer'],
        {},
        { LEANSTOCK_PUBLIC_URL: 'https://ls.example' },
      );
      expect(fromEnv.stdout).toContain('  https://ls.example/invite?token=');
    });

    it('creates an API token that authenticates with its role until it is revoked', async () => {
      await addAdmin();
      const created = await cli(['user', 'token', 'create', 'ana', '--name', 'ERP sync', '--role', 'clerk']);
      expect(created).toMatchObject({ code: 0, stderr: '' });
      expect(created.stdout).toMatch(
        /^Created API token 1 "ERP sync" for ana: role clerk, never expires\.\nToken \(keep it secret; it is shown only now\):\n {2}lst_[\w-]+\n/,
      );
      const token = /lst_[\w-]+/.exec(created.stdout)![0];
      const bearer = { authorization: `Bearer ${token}` };
      expect((await app.inject({ method: 'GET', url: '/api/v1/stock', headers: bearer })).statusCode).toBe(200);
      const item = await app.inject({
        method: 'POST',
        url: '/api/v1/items',
        headers: bearer,
        payload: { sku: 'BOLT', name: 'Bolt', unit: 'pcs' },
      });
      expect(item.json().error.code).toBe('LS_FORBIDDEN');

      const expiring = await cli([
        'user',
        'token',
        'create',
        'ana',
        '--name',
        'demo',
        '--expires-in-days',
        '30',
        '--json',
      ]);
      expect(JSON.parse(expiring.stdout)).toMatchObject({
        id: 2,
        name: 'demo',
        role: 'admin',
        expires_at: '2026-07-01T12:00:00.000Z',
        token: expect.stringMatching(/^lst_/),
      });
      const list = await cli(['user', 'token', 'list', 'ana']);
      expect(list.stdout).toMatch(/^id\s+name\s+user\s+role\s+created \(UTC\)\s+expires\s+last used\s+state\n/);
      expect(list.stdout).toMatch(/2\s+demo\s+ana\s+admin\s+2026-06-01 12:00\s+2026-07-01 12:00\s+never\s+active/);
      expect(list.stdout).toMatch(/1\s+ERP sync\s+ana\s+clerk\s+2026-06-01 12:00\s+never\s+2026-06-01 12:00\s+active/);
      expect(list.stdout).not.toContain('lst_');

      const revoked = await cli(['user', 'token', 'revoke', '1']);
      expect(revoked).toMatchObject({ code: 0, stderr: '', stdout: 'Revoked API token 1 "ERP sync" of ana.\n' });
      expect((await app.inject({ method: 'GET', url: '/api/v1/stock', headers: bearer })).statusCode).toBe(401);
      const all = JSON.parse((await cli(['user', 'token', 'list', '--json'])).stdout).data;
      expect(all.map((t: { id: number; revoked_at: string | null }) => [t.id, t.revoked_at])).toEqual([
        [2, null],
        [1, '2026-06-01T12:00:00.000Z'],
      ]);

      expect((await cli(['user', 'add', 'ben', '--role', 'clerk', '--password-stdin'], { line: PASSWORD })).code).toBe(
        0,
      );
      const above = await cli(['user', 'token', 'create', 'ben', '--name', 'x', '--role', 'admin']);
      expect(above.code).toBe(2);
      expect(above.stderr).toContain('error LS_FORBIDDEN: role: a clerk cannot create a token with the role admin');
      const nobody = await cli(['user', 'token', 'create', 'zed', '--name', 'x']);
      expect(nobody.stderr).toContain('error LS_UNKNOWN_USER: No user zed');
      expect((await cli(['user', 'token', 'revoke', '99'])).stderr).toContain('error LS_NOT_FOUND: No API token 99');
      expect(await counts()).toMatchObject({ tokens: 2 });
    });

    it('says how to begin when there are no users and no tokens', async () => {
      expect((await cli(['user', 'list'])).stdout).toBe(
        'No users yet: anyone on this computer can use Leanstock without signing in.\nAdd the first admin with: leanstock user add NAME --admin\n',
      );
      expect((await cli(['user', 'token', 'list'])).stdout).toContain('No API tokens.');
      const help = await cli(['user', 'add', '--help']);
      expect(help.stdout).toContain('--password-stdin');
    });
  });
}
