import type { Command } from 'commander';
import { isRole, ROLE_PERMISSIONS, ROLES, type Role } from '../../domain/auth/roles.js';
import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { createInvitation } from '../../services/auth/invitations.service.js';
import { newSecret } from '../../services/auth/secrets.js';
import {
  type ApiTokenView,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from '../../services/auth/tokens.service.js';
import {
  createUser,
  findUserRow,
  getUser,
  hasUsers,
  listUsers,
  readPassword,
  readUsername,
  requireUserRow,
  resetMfa,
  setPassword,
  type UserView,
  updateUser,
} from '../../services/auth/users.service.js';
import type { ServiceContext } from '../../services/context.js';
import { checkPublicUrl, publicUrlFromEnv } from '../../services/kanban/public-url.js';
import { wholeNumber } from '../args.js';
import { formatRecord } from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;
const passwordStdinOption = [
  '--password-stdin',
  'read the password from the first line of standard input (else: asked on a terminal, generated otherwise)',
] as const;

type DbJson = { db?: string; json?: boolean };

export function registerUserCommands(program: Command, deps: CliDeps): void {
  const context = (): ServiceContext => ({ actor: cliActor(deps), now: deps.now() });
  const user = program
    .command('user')
    .description('Users who sign in, their roles, invitations and API tokens (docs/security.md)');

  user
    .command('add <username>')
    .description('Add a user, e.g. leanstock user add ana --admin, or leanstock user add ben --role clerk --name "Ben"')
    .option('--admin', 'the admin role: everything, users included')
    .option('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'full name')
    .option('--email <address>', 'e-mail address (single sign-on matches it)')
    .option(...passwordStdinOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        username: string,
        options: DbJson & { admin?: boolean; role?: string; name?: string; email?: string; passwordStdin?: boolean },
      ) => {
        const role = addedRoleOf(options);
        await withDatabase(deps, options.db, async (database) => {
          await refuseTakenUsername(database.db, username);
          const first = !(await hasUsers(database));
          const secret = await passwordOf(deps, username, options.passwordStdin);
          const created = await createUser(
            database,
            {
              username,
              role,
              password: secret.password,
              ...(options.name !== undefined && { name: options.name }),
              ...(options.email !== undefined && { email: options.email }),
            },
            context(),
          );
          const signInUrl = `${serverBaseOf(deps)}/login`;
          printResult(
            deps,
            options.json,
            { ...created, sign_in_url: signInUrl, ...(secret.generated && { generated_password: secret.password }) },
            () =>
              [
                `Added user ${created.username}.`,
                describeUser(created),
                ...(secret.generated ? generatedPasswordLines(created.username, secret.password) : []),
                ...(first ? ['From now on everyone signs in to Leanstock, on this computer too.'] : []),
                `Next: sign in at ${signInUrl}`,
              ].join('\n'),
          );
        });
      },
    );

  user
    .command('list')
    .description('List users: role, whether active, multi-factor sign-in, last sign-in, lockout')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (options: DbJson) => {
      await withDatabase(deps, options.db, async (database) => {
        const users = await listUsers(database);
        const now = deps.now();
        printResult(deps, options.json, { data: users, next_cursor: null }, () => {
          if (users.length === 0) {
            return 'No users yet: anyone on this computer can use Leanstock without signing in.\nAdd the first admin with: leanstock user add NAME --admin';
          }
          return formatTable(
            ['username', 'role', 'active', 'MFA', 'last sign-in (UTC)', 'locked until (UTC)'],
            users.map((u) => [
              u.username,
              u.role,
              u.active ? 'yes' : 'no',
              u.mfa_enabled ? 'on' : 'off',
              minutes(u.last_login_at) ?? 'never',
              u.locked_until !== null && Date.parse(u.locked_until) > now ? minutes(u.locked_until) : '',
            ]),
          );
        });
      });
    });

  user
    .command('set-role <username> <role>')
    .description(`Change a user's role (${ROLES.join(', ')}); their sessions end, so the next sign-in carries it`)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (username: string, roleText: string, options: DbJson) => {
      const role = roleOf(roleText, 'role');
      await withDatabase(deps, options.db, async (database) => {
        const before = await getUser(database, username);
        const after = before.role === role ? before : await updateUser(database, username, { role }, context());
        printResult(deps, options.json, after, () =>
          before.role === role
            ? `${after.username} is already ${article(role)} ${role}; nothing changed.`
            : `${after.username} is now ${article(role)} ${role} (was ${before.role}); they were signed out, so their next sign-in carries the new role.`,
        );
      });
    });

  user
    .command('disable <username>')
    .description('Stop a user from signing in: ends their sessions and revokes their API tokens at once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (username: string, options: DbJson) => {
      await withDatabase(deps, options.db, async (database) => {
        const disabled = await updateUser(database, username, { active: false }, context());
        printResult(
          deps,
          options.json,
          disabled,
          () => `Disabled ${disabled.username}: signed out everywhere and their API tokens revoked.`,
        );
      });
    });

  user
    .command('enable <username>')
    .description('Let a disabled user sign in again (their revoked API tokens stay revoked)')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (username: string, options: DbJson) => {
      await withDatabase(deps, options.db, async (database) => {
        const enabled = await updateUser(database, username, { active: true }, context());
        printResult(deps, options.json, enabled, () => `Enabled ${enabled.username}: they can sign in again.`);
      });
    });

  user
    .command('password <username>')
    .description('Set a new password for a user; also unlocks them and signs them out everywhere')
    .option(...passwordStdinOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (username: string, options: DbJson & { passwordStdin?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const known = await getUser(database, username);
        const secret = await passwordOf(deps, known.username, options.passwordStdin);
        const changed = await setPassword(database, known.username, { password: secret.password }, context());
        printResult(
          deps,
          options.json,
          { ...changed, ...(secret.generated && { generated_password: secret.password }) },
          () =>
            [
              `New password set for ${changed.username}; unlocked and signed out everywhere.`,
              ...(secret.generated ? generatedPasswordLines(changed.username, secret.password) : []),
            ].join('\n'),
        );
      });
    });

  user
    .command('reset-mfa <username>')
    .description('Turn multi-factor sign-in off for a user who lost their authenticator and recovery codes')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (username: string, options: DbJson) => {
      await withDatabase(deps, options.db, async (database) => {
        const reset = await resetMfa(database, username, context());
        printResult(
          deps,
          options.json,
          reset,
          () =>
            `Multi-factor sign-in is off for ${reset.username} and their recovery codes are deleted; they sign in with the password and can set it up again under Account.`,
        );
      });
    });

  user
    .command('invite')
    .description('Create an invitation link (valid 7 days, once) that lets someone choose a username and password')
    .requiredOption('--role <role>', `the role they get: ${ROLES.join(', ')}`)
    .option('--email <address>', 'their e-mail address, filled in for them')
    .option(
      '--url <base>',
      'the address people reach the server at (default: LEANSTOCK_PUBLIC_URL, else HOST and PORT)',
    )
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (options: DbJson & { role: string; email?: string; url?: string }) => {
      const role = roleOf(options.role, '--role');
      const base = serverBaseOf(deps, options.url);
      await withDatabase(deps, options.db, async (database) => {
        const invitation = await createInvitation(
          database,
          { role, ...(options.email !== undefined && { email: options.email }) },
          context(),
        );
        const link = `${base}${invitation.url}`;
        printResult(
          deps,
          options.json,
          { ...invitation, link },
          () =>
            `Invitation ${invitation.id} for ${article(role)} ${role}${invitation.email ? ` (${invitation.email})` : ''}, valid once until ${minutes(invitation.expires_at)} UTC:\n  ${link}\nSend the link to them; anyone who has it can accept it.`,
        );
      });
    });

  const token = user
    .command('token')
    .description('API tokens for scripts and other systems: Authorization: Bearer lst_...');

  token
    .command('create <username>')
    .description('Create an API token for a user, e.g. leanstock user token create ana --name "ERP sync" --role clerk')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--role <role>', "at most the user's role (default: the user's role)")
    .option('--expires-in-days <days>', 'expire after this many days (default: never)')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (username: string, options: DbJson & { name: string; role?: string; expiresInDays?: string }) => {
      const role = options.role === undefined ? undefined : roleOf(options.role, '--role');
      const days =
        options.expiresInDays === undefined ? undefined : wholeNumber(options.expiresInDays, '--expires-in-days');
      await withDatabase(deps, options.db, async (database) => {
        const owner = await requireUserRow(database.db, username);
        const created = await createApiToken(
          database,
          owner.id,
          {
            name: options.name,
            ...(role !== undefined && { role }),
            ...(days !== undefined && { expires_in_days: days }),
          },
          context(),
        );
        printResult(deps, options.json, created, () =>
          [
            `Created API token ${created.id} "${created.name}" for ${created.username}: role ${created.role}, ${
              created.expires_at ? `expires ${minutes(created.expires_at)} UTC` : 'never expires'
            }.`,
            'Token (keep it secret; it is shown only now):',
            `  ${created.token}`,
            'Send it as the header  Authorization: Bearer <token>',
          ].join('\n'),
        );
      });
    });

  token
    .command('list [username]')
    .description("List API tokens, everyone's or one user's (never their secrets)")
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (username: string | undefined, options: DbJson) => {
      await withDatabase(deps, options.db, async (database) => {
        const userId = username === undefined ? undefined : (await requireUserRow(database.db, username)).id;
        const tokens = await listApiTokens(database, { userId });
        printResult(deps, options.json, { data: tokens }, () =>
          tokens.length === 0
            ? 'No API tokens. Create one with: leanstock user token create USERNAME --name "what it is for"'
            : formatTokens(tokens, deps.now()),
        );
      });
    });

  token
    .command('revoke <id>')
    .description('Revoke an API token at once (revoking twice is harmless)')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (idText: string, options: DbJson) => {
      const id = wholeNumber(idText, 'id');
      await withDatabase(deps, options.db, async (database) => {
        const revoked = await revokeApiToken(database, id, { userId: undefined, anyUser: true }, context());
        printResult(
          deps,
          options.json,
          revoked,
          () => `Revoked API token ${revoked.id} "${revoked.name}" of ${revoked.username}.`,
        );
      });
    });
}

function addedRoleOf(options: { admin?: boolean; role?: string }): Role {
  const role = options.role === undefined ? undefined : roleOf(options.role, '--role');
  if (options.admin && role !== undefined && role !== 'admin') {
    throw new DomainError('LS_VALIDATION', `--role: --admin and --role ${role} disagree; give one of them`, [
      { field: '--role', message: 'give either --admin or --role ROLE', value: options.role },
    ]);
  }
  const chosen = options.admin ? 'admin' : role;
  if (chosen === undefined) {
    const message = `is required: give --admin or --role ROLE (${ROLES.join(', ')})`;
    throw new DomainError('LS_VALIDATION', `--role: ${message}`, [{ field: '--role', message }]);
  }
  return chosen;
}

/** A role named on the command line (any case), else refused naming the option or argument. */
function roleOf(text: string, field: string): Role {
  const role = text.trim().toLowerCase();
  if (isRole(role)) return role;
  const message = `must be one of ${ROLES.join(', ')}`;
  throw new DomainError('LS_VALIDATION', `${field}: "${text}" is not a role; ${message}`, [
    { field, message, value: text },
  ]);
}

/** Refuses a malformed or taken username before anyone is asked for a password. */
async function refuseTakenUsername(db: Parameters<typeof findUserRow>[0], username: string): Promise<void> {
  const problems: FieldProblem[] = [];
  const normalized = readUsername({ username }, 'username', problems);
  throwIfProblems(problems);
  if (await findUserRow(db, normalized!)) {
    throw new DomainError('LS_DUPLICATE', `username: ${normalized} is taken`, [
      { field: 'username', message: 'is taken', value: normalized },
    ]);
  }
}

/**
 * The new password: the first line of standard input with --password-stdin; typed twice on a terminal; else a
 * generated one of 24 characters (144 random bits) to print once.
 */
async function passwordOf(
  deps: CliDeps,
  username: string,
  fromStdin: boolean | undefined,
): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: (await deps.stdin?.readLine()) ?? '', generated: false };
  if (deps.stdin?.isTty) {
    const password = await deps.stdin.readHidden(`New password for ${username} (10–200 characters): `);
    const problems: FieldProblem[] = [];
    readPassword({ password }, 'password', problems);
    throwIfProblems(problems);
    if ((await deps.stdin.readHidden('Type it again: ')) !== password) {
      throw new DomainError('LS_VALIDATION', 'password: the two entries differ; nothing changed', [
        { field: 'password', message: 'the two entries differ' },
      ]);
    }
    return { password, generated: false };
  }
  return { password: newSecret(18), generated: true };
}

function generatedPasswordLines(username: string, password: string): string[] {
  return [
    'Password (generated, shown only now):',
    `  ${password}`,
    `Change it after signing in (Account), or set another with: leanstock user password ${username}`,
  ];
}

/**
 * Where people reach the server: --url, else LEANSTOCK_PUBLIC_URL, else HOST and PORT as `serve` reads them
 * (a wildcard HOST is reached on this computer at 127.0.0.1).
 */
function serverBaseOf(deps: CliDeps, option?: string): string {
  if (option !== undefined) {
    try {
      return checkPublicUrl(option, '--url');
    } catch (error) {
      const message = (error as Error).message.replace(/^--url: /, '');
      throw new DomainError('LS_VALIDATION', `--url: ${message}`, [{ field: '--url', message, value: option }]);
    }
  }
  const configured = publicUrlFromEnv(deps.env);
  if (configured !== undefined) return configured;
  const host = deps.env['HOST'] || '127.0.0.1';
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${deps.env['PORT'] || 3000}`;
}

function describeUser(user: UserView): string {
  return formatRecord([
    ['username', user.username],
    ['name', user.name ?? '-'],
    ['email', user.email ?? '-'],
    ['role', `${user.role} (may ${ROLE_PERMISSIONS[user.role].join(', ')})`],
  ]);
}

function formatTokens(tokens: ApiTokenView[], now: number): string {
  return formatTable(
    ['id', 'name', 'user', 'role', 'created (UTC)', 'expires', 'last used', 'state'],
    tokens.map((t) => [
      t.id,
      t.name,
      t.username,
      t.role,
      minutes(t.created_at),
      minutes(t.expires_at) ?? 'never',
      minutes(t.last_used_at) ?? 'never',
      t.revoked_at !== null
        ? `revoked ${minutes(t.revoked_at)}`
        : t.expires_at !== null && Date.parse(t.expires_at) <= now
          ? 'expired'
          : 'active',
    ]),
  );
}

/** `2026-06-01T12:00:00.000Z` → `2026-06-01 12:00`. */
function minutes(iso: string | null): string | null {
  return iso === null ? null : iso.slice(0, 16).replace('T', ' ');
}

function article(role: Role): string {
  return role === 'admin' ? 'an' : 'a';
}
