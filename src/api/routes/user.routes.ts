import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { listAudit } from '../../services/audit.js';
import {
  acceptInvitation,
  createInvitation,
  describeInvitation,
  listOpenInvitations,
  revokeInvitation,
} from '../../services/auth/invitations.service.js';
import { getUser, listUsers, updateUser } from '../../services/auth/users.service.js';
import { readTransaction } from '../../store/database.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { setSessionCookies } from '../auth.js';
import {
  AuditPage,
  AuditQuery,
  IdParams,
  Invitation,
  InvitationAcceptance,
  InvitationInput,
  InvitationPage,
  InvitationSummary,
  NewInvitation,
  Session,
  TokenParams,
  User,
  UsernameParams,
  UserPage,
  UserPatch,
} from '../schemas/auth.schemas.js';
import { errorResponses } from '../schemas/common.js';
import { oidcOf, signInContextOf } from './auth.routes.js';

const tags = ['Users'];
const authErrors = { ...errorResponses, 401: { $ref: 'Error' }, 403: { $ref: 'Error' }, 429: { $ref: 'Error' } };

export async function userRoutes(app: FastifyInstance): Promise<void> {
  const usernameOf = (request: { params: unknown }) => (request.params as Static<typeof UsernameParams>).username;

  app.get(
    '/users',
    { schema: { tags, summary: 'Every user, by username', response: { 200: UserPage, ...authErrors } } },
    async () => ({ data: await listUsers(app.database), next_cursor: null }),
  );

  app.get(
    '/users/:username',
    { schema: { tags, summary: 'One user', params: UsernameParams, response: { 200: User, ...authErrors } } },
    async (request) => getUser(app.database, usernameOf(request)),
  );

  app.patch(
    '/users/:username',
    {
      schema: {
        tags,
        summary: 'Change a user’s role, name, e-mail or active flag (the last active admin stays)',
        params: UsernameParams,
        body: { ...UserPatch, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: User, ...authErrors },
      },
    },
    async (request) => updateUser(app.database, usernameOf(request), request.body, contextOf(request)),
  );

  app.post(
    '/invitations',
    {
      schema: {
        tags,
        summary: 'Invite someone with a role: a link valid for 7 days',
        body: { ...InvitationInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: NewInvitation, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createInvitation(app.database, request.body, contextOf(request))),
  );

  app.get(
    '/invitations',
    {
      schema: { tags, summary: 'Invitations not yet accepted, revoked or expired', response: { 200: InvitationPage } },
    },
    async () => ({ data: await listOpenInvitations(app.database, app.clock()), next_cursor: null }),
  );

  app.post(
    '/invitations/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Withdraw an invitation',
        params: IdParams,
        response: { 200: Invitation, ...authErrors },
      },
    },
    async (request) =>
      revokeInvitation(app.database, (request.params as Static<typeof IdParams>).id, contextOf(request)),
  );

  app.get(
    '/invitations/by-token/:token',
    {
      schema: {
        tags,
        summary: 'What an invitation link offers (public: the link is the secret)',
        params: TokenParams,
        response: { 200: InvitationSummary, ...authErrors },
      },
    },
    async (request, reply) => {
      app.signInLimiter.check(request.ip, app.clock(), reply);
      return describeInvitation(app.database, (request.params as Static<typeof TokenParams>).token, app.clock());
    },
  );

  app.post(
    '/invitations/by-token/:token/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation: choose a username and password; signs the new user in',
        params: TokenParams,
        body: { ...InvitationAcceptance, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: Session, ...authErrors },
      },
    },
    async (request, reply) => {
      app.signInLimiter.check(request.ip, app.clock(), reply);
      const { token } = request.params as Static<typeof TokenParams>;
      const session = await acceptInvitation(app.database, token, request.body, signInContextOf(request));
      setSessionCookies(request, reply, session);
      return reply.status(201).send({ ...session.view, oidc: oidcOf(app) });
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        tags,
        summary:
          'The audit trail, newest first: sign-ins and failures, lockouts, users, tokens, invitations, catalogue',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof AuditQuery>;
      const data = await readTransaction(app.database, (tx) =>
        listAudit(tx, { ...(q.entity !== undefined && { entity: q.entity }), limit: q.limit ?? 100 }),
      );
      return { data, next_cursor: null };
    },
  );
}
