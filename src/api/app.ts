import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isDomainError } from '../domain/errors.js';
import { type OidcSettings, OidcSignOn } from '../services/auth/oidc.service.js';
import type { ServiceContext } from '../services/context.js';
import type { MailSettings } from '../services/purchasing/send.service.js';
import { SimulationJobRunner } from '../services/simulation/simulation-jobs.js';
import type { Database } from '../store/database.js';
import { AttemptLimiter, registerAuth } from './auth.js';
import { type ErrorBody, statusOf } from './http-errors.js';
import { refuseNulCharacters } from './nul-character.js';
import { accessOf } from './route-permissions.js';
import { registerRoutes } from './routes/index.js';
import { kanbanPageRoutes } from './routes/kanban-page.js';
import { sharedSchemas } from './schemas/index.js';
import { classifyStorageError, STORAGE_FAULT_STATUS } from './storage-errors.js';
import { registerWebApp } from './web-app.js';

export type AppOptions = {
  database: Database;
  logger?: boolean | { level: string };
  /** Epoch-ms clock; tests pass a fixed one. */
  clock?: () => number;
  /** SMTP for e-mailing purchase orders (none: they are not e-mailed) and the buyer's name printed on them. */
  mail?: MailSettings;
  /** Worker threads per simulation job (default: the machine's parallelism; 0: on the server's own thread). */
  simulationThreads?: number;
  /**
   * Whether a Leanstock without users answers without sign-in (as a local admin). True by default; the server
   * passes false unless it listens on a loopback address. Once a user exists, everyone signs in.
   */
  localAccess?: boolean;
  /** Single sign-on through an OpenID provider (none: only passwords and invitations). */
  oidc?: OidcSettings;
};

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'SAMEORIGIN'],
  ['referrer-policy', 'same-origin'],
  ['cross-origin-opener-policy', 'same-origin'],
];

/** Schema keyword that hands a body's validation to the domain layer. */
export const DOMAIN_VALIDATED = 'x-validated-by';

/** Schema keyword of a body that may be left out (an action such as send or cancel with optional options). */
const OPTIONAL_BODY = 'x-optional-body';

/** Marks a body schema as optional: no body (or JSON null) is accepted, a given body must match. */
export function optionalBody<T extends object>(schema: T): T {
  return { ...schema, [OPTIONAL_BODY]: true };
}

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    clock: () => number;
    mailSettings: MailSettings;
    /** Runs `POST /simulations` jobs; closed (its running job aborted) with the app. */
    simulationJobs: SimulationJobRunner;
    /** Sign-in attempts (password, invitation) per client address. */
    signInLimiter: AttemptLimiter;
    /** Whether single sign-on through an OpenID provider is configured. */
    oidcEnabled: boolean;
    /** The configured OpenID provider, if any. */
    oidcSignOn: OidcSignOn | undefined;
  }
}

/** Builds the HTTP application without listening, so tests can use `app.inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_BODY_BYTES,
    ajv: { customOptions: { coerceTypes: false } },
    // Response serializers are built when a route first answers with a status, not all at start-up, where building
    // the ~500 of them took most of the second each app (and each test that builds one) spent starting.
    schemaController: {
      compilersFactory: {
        buildSerializer: (externalSchemas, options) => {
          const compile = SerializerSelector()(externalSchemas as never, options as never);
          return (route) => {
            let serialize: ((doc: unknown) => string) | undefined;
            return (doc: unknown) => {
              serialize ??= compile(route);
              return serialize(doc);
            };
          };
        },
      },
    },
    // Path parameters (SKUs, codes) reach the route schema, which names the field; the router's own
    // limit (100 by default) would answer a bare 414. No route uses regex parameters.
    routerOptions: { maxParamLength: 16_384 },
    frameworkErrors: (error, _request, reply) =>
      (reply as FastifyReply)
        .status(error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400)
        .send(errorBody('LS_VALIDATION', `path: ${error.message}`, [{ field: 'path', message: error.message }])),
  });
  app.decorate('database', options.database);
  app.decorate('clock', options.clock ?? Date.now);
  app.decorate('mailSettings', options.mail ?? { mail: undefined, buyerName: 'Leanstock' });
  const simulationJobs = new SimulationJobRunner(options.database, {
    clock: app.clock,
    threads: options.simulationThreads,
  });
  app.decorate('simulationJobs', simulationJobs);
  app.addHook('onClose', async () => {
    await simulationJobs.close();
  });
  app.decorate('signInLimiter', new AttemptLimiter(20));
  app.decorate('oidcEnabled', options.oidc !== undefined);
  app.decorate('oidcSignOn', options.oidc && new OidcSignOn(options.oidc));
  // Every API route must say who may use it; a route missing from the table stops the app from starting.
  const unguarded: string[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/')) return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD' && accessOf(method, route.url) === undefined) unguarded.push(`${method} ${route.url}`);
    }
  });
  registerAuth(app, { database: options.database, localAccess: options.localAccess ?? true });
  app.addHook('preValidation', refuseNulCharacters);
  // Headers every answer carries: no MIME sniffing, no framing by other sites, no referrer sent elsewhere.
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of SECURITY_HEADERS) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });

  // Bodies are validated strictly (a string "5" is not a quantity); query strings arrive as text and may be coerced.
  const bodyAjv = addFormats.default(
    new Ajv.default({ coerceTypes: false, useDefaults: true, allErrors: false, strict: false }),
  );
  const queryAjv = addFormats.default(new Ajv.default({ coerceTypes: true, useDefaults: true, strict: false }));
  for (const schema of sharedSchemas) {
    bodyAjv.addSchema(schema);
    queryAjv.addSchema(schema);
  }
  // Bodies marked `x-validated-by: domain` are checked by the domain parser, which reports every
  // problem with its field (JSON Schema's anyOf would only say "must match a schema in anyOf").
  const anyObject = bodyAjv.compile({ type: 'object' });
  // Like the serializers, each validator is compiled on the route's first request.
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const keywords = schema as Record<string, unknown>;
    if (httpPart === 'body' && keywords[DOMAIN_VALIDATED] === 'domain') return anyObject;
    const ajv = httpPart === 'body' ? bodyAjv : queryAjv;
    const optionalBody = httpPart === 'body' && keywords[OPTIONAL_BODY] === true;
    let check: ReturnType<typeof ajv.compile> | undefined;
    const validate = (data: unknown) => {
      check ??= ajv.compile(schema);
      const valid = (optionalBody && (data === undefined || data === null)) || (check(data) as boolean);
      validate.errors = valid ? null : check.errors;
      return valid;
    };
    validate.errors = null as ReturnType<typeof ajv.compile>['errors'];
    return validate;
  });

  app.setErrorHandler((error, _request, reply) => {
    if (isDomainError(error)) {
      return reply.status(statusOf(error.code)).send(errorBody(error.code, error.message, error.details));
    }
    const err = error as {
      validation?: unknown;
      validationContext?: string;
      statusCode?: number;
      code?: string;
      message: string;
    };
    if (err.validation) {
      const field = validationField(err);
      const message = validationMessage(err);
      return reply.status(400).send(errorBody('LS_VALIDATION', `${field}: ${message}`, [{ field, message }]));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply
        .status(err.statusCode)
        .send(errorBody(httpCode(err), err.message, [{ field: 'body', message: err.message }]));
    }
    const fault = classifyStorageError(error);
    if (fault) {
      // The storage failed, not the code: an operator's problem to fix, logged as a warning rather than a bug.
      reply.log.warn({ err: error, code: fault.code, cause: fault.cause }, 'storage fault');
      return reply
        .status(STORAGE_FAULT_STATUS)
        .header('retry-after', String(fault.retryAfterSeconds))
        .send(errorBody(fault.code, fault.message));
    }
    reply.log.error(error);
    return reply.status(500).send(errorBody('LS_INTERNAL', 'Internal error; this is a bug, please report it'));
  });
  await registerWebApp(app, (request, reply) =>
    reply.status(404).send(errorBody('LS_NOT_FOUND', `No route ${request.method} ${request.url}`)),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Leanstock API',
        version: '1',
        description:
          'Just-In-Time inventory: catalogue, exact stock ledger and balances. Quantities are JSON numbers with at most 3 decimals; money in major units with a currency code. Every write accepts an `Idempotency-Key` header.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok', database: options.database.dialect }));

  for (const schema of sharedSchemas) app.addSchema(schema);
  await app.register(registerRoutes, { prefix: '/api/v1' });
  await app.register(kanbanPageRoutes);
  if (unguarded.length > 0) throw new Error(`Routes missing from ROUTE_PERMISSIONS: ${unguarded.join(', ')}`);
  return app;
}

/**
 * The acting user and clock for one request. The actor is the signed-in user (or the token's); only a Leanstock
 * without users takes it from `X-Actor`, since there it names a program, not a person.
 */
export function contextOf(request: FastifyRequest): ServiceContext {
  const actor = request.headers['x-actor'];
  const key = request.headers['idempotency-key'];
  const principal = request.principal;
  const signedIn = principal && principal.kind !== 'local' ? principal.username : undefined;
  return {
    actor: signedIn ?? (typeof actor === 'string' && actor.length > 0 && actor.length <= 100 ? actor : 'api'),
    now: request.server.clock(),
    idempotencyKey: typeof key === 'string' && key.length > 0 ? key.slice(0, 200) : undefined,
  };
}

function errorBody(code: string, message: string, details?: ErrorBody['error']['details']): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}

function validationField(err: { validation?: unknown; validationContext?: string }): string {
  const first = (Array.isArray(err.validation) ? err.validation[0] : undefined) as
    | { instancePath?: string; params?: { missingProperty?: string; additionalProperty?: string } }
    | undefined;
  const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const leaf = first?.params?.missingProperty ?? first?.params?.additionalProperty;
  const field = [path, leaf].filter(Boolean).join('.');
  return field || (err.validationContext ?? 'body');
}

function validationMessage(err: { validation?: unknown; message: string }): string {
  const first = (Array.isArray(err.validation) ? err.validation[0] : undefined) as
    | { message?: string; params?: { allowedValues?: unknown[] } }
    | undefined;
  const allowed = first?.params?.allowedValues;
  if (first?.message && Array.isArray(allowed)) return `${first.message}: ${allowed.join(', ')}`;
  return err.message.replace(/^(body|querystring|params|headers)(\/[^ ]*)? /, '');
}

function httpCode(err: { code?: string; statusCode?: number }): string {
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return 'LS_VALIDATION';
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'LS_UNSUPPORTED_MEDIA_TYPE';
  if (err.statusCode === 413) return 'LS_PAYLOAD_TOO_LARGE';
  return 'LS_BAD_REQUEST';
}
