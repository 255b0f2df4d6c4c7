import { Type } from 'typebox';
import { ROLES } from '../../domain/auth/roles.js';
import { Nullable } from './common.js';

const Instant = Type.String({ format: 'date-time' });
const Role = Type.Union(ROLES.map((role) => Type.Literal(role)));

export const User = Type.Object({
  username: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  role: Role,
  active: Type.Boolean(),
  mfa_enabled: Type.Boolean(),
  last_login_at: Nullable(Instant),
  locked_until: Nullable(Instant),
  created_at: Instant,
});

export const UserPage = Type.Object({ data: Type.Array(User), next_cursor: Type.Null() });

export const UserPatch = Type.Object(
  {
    role: Type.Optional(Role),
    active: Type.Optional(Type.Boolean({ description: 'false signs the user out and revokes their tokens' })),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UsernameParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 200 }) });

export const Session = Type.Object({
  mode: Type.Union([Type.Literal('local'), Type.Literal('user')], {
    description: 'local: no users yet, this computer acts as an admin; user: sign-in required',
  }),
  user: Nullable(User),
  permissions: Type.Array(Type.String()),
  csrf_token: Nullable(
    Type.String({ description: 'Send it as x-csrf-token on every write made with the session cookie' }),
  ),
  oidc: Type.Object({
    enabled: Type.Boolean(),
    name: Nullable(Type.String({ description: 'The provider’s name for the sign-in button' })),
  }),
});

export const SignIn = Type.Object(
  {
    username: Type.String({ maxLength: 200 }),
    password: Type.String({ maxLength: 1000 }),
    code: Type.Optional(Nullable(Type.String({ maxLength: 50, description: 'TOTP code or a recovery code' }))),
  },
  { additionalProperties: false },
);

export const PasswordChange = Type.Object(
  { current_password: Type.String({ maxLength: 1000 }), new_password: Type.String({ minLength: 10, maxLength: 200 }) },
  { additionalProperties: false },
);

export const MfaSetup = Type.Object({
  secret: Type.String({ description: 'Base32, for typing into an authenticator by hand' }),
  otpauth_url: Type.String(),
  qr_svg: Type.String({ description: 'The otpauth URL as a QR code, SVG markup' }),
});
export const MfaCode = Type.Object({ code: Type.String({ maxLength: 20 }) }, { additionalProperties: false });
export const MfaDisable = Type.Object({ password: Type.String({ maxLength: 1000 }) }, { additionalProperties: false });
export const RecoveryCodes = Type.Object({ recovery_codes: Type.Array(Type.String()) });

const tokenFields = {
  id: Type.Integer(),
  name: Type.String(),
  username: Type.String(),
  role: Role,
  created_at: Instant,
  expires_at: Nullable(Instant),
  last_used_at: Nullable(Instant),
  revoked_at: Nullable(Instant),
};
export const ApiToken = Type.Object(tokenFields);
export const NewApiToken = Type.Object({
  ...tokenFields,
  token: Type.String({ description: 'Shown only in this answer; send as Authorization: Bearer …' }),
});
export const ApiTokenPage = Type.Object({ data: Type.Array(ApiToken), next_cursor: Type.Null() });
export const ApiTokenInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Type.Optional(Role),
    expires_in_days: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650 }))),
  },
  { additionalProperties: false },
);
export const ApiTokenQuery = Type.Object({
  all: Type.Optional(Type.Boolean({ description: "Admins: everyone's tokens" })),
});
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const invitationFields = {
  id: Type.Integer(),
  role: Role,
  email: Nullable(Type.String()),
  setup: Type.Boolean(),
  created_by: Type.String(),
  created_at: Instant,
  expires_at: Instant,
  accepted_at: Nullable(Instant),
  revoked_at: Nullable(Instant),
};
export const Invitation = Type.Object(invitationFields);
export const NewInvitation = Type.Object({
  ...invitationFields,
  token: Type.String(),
  url: Type.String({ description: 'Path of the page that accepts it, relative to the server' }),
});
export const InvitationPage = Type.Object({ data: Type.Array(Invitation), next_cursor: Type.Null() });
export const InvitationInput = Type.Object(
  { role: Role, email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))) },
  { additionalProperties: false },
);
export const InvitationSummary = Type.Object({
  role: Role,
  email: Nullable(Type.String()),
  expires_at: Instant,
  setup: Type.Boolean(),
});
export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
export const InvitationAcceptance = Type.Object(
  {
    username: Type.String({ maxLength: 200 }),
    password: Type.String({ maxLength: 1000 }),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  },
  { additionalProperties: false },
);

export const AuditQuery = Type.Object({
  entity: Type.Optional(Type.String({ maxLength: 50, description: 'user, session, api_token, invitation, item, …' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Instant,
  actor: Type.String(),
  entity: Type.String(),
  entity_key: Type.String(),
  action: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
export const AuditPage = Type.Object({ data: Type.Array(AuditEntry), next_cursor: Type.Null() });
