/**
 * A small HTTP service over the ledger: it takes commands as JSON and answers with the events
 * they produced or the reason they were refused. It imports the package by its public name, as
 * a service built on it would. Start it with `examples/service/main.ts`.
 *
 * Every request carries `Authorization: Bearer <token>` (see `auth.ts`): the actor commands are
 * recorded under, and the budgets the caller may touch, come from the token (see `access.ts`).
 *
 *   POST /commands            a command as JSON; optional `If-Match: <version>` header
 *                              201 new events, 200 a repeat (same commandId: original events),
 *                              400 bad input, 401 no valid token, 403 not allowed (role, scope,
 *                              an actor other than the token's), 409 conflict, 422 rule broken,
 *                              413 body too large, 503 store failure
 *   GET  /budgets/<id>         version (also as ETag) and balances per stream
 *   GET  /budgets/<id>/events  the budget's events as JSON
 *   GET  /log                  the whole store as a contract log (JSON Lines, verifiable): auditors only
 *
 * A budget the caller may not read gets the same 404 as a budget that does not exist. Every
 * answer carries an `X-Request-Id`; error bodies carry it too, and the service's log lines
 * (one JSON object per request) carry only it, the route, the status and the error code: never
 * an actor id, personRef, payee, evidence reference or free text.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  CommandHandler,
  PRIVATE_FIELDS,
  StoreError,
  balancesJson,
  balancesOf,
  decodeCommand,
  encodeEvent,
  jsonSyntaxProblem,
  storeLines,
  type CommandHandlerOptions,
  type HandlerError,
  type Store,
} from 'ipb-ledger';
import { mayRead, mayWrite, scopeOf } from './access.js';
import { AuthError, authenticate, type AuthConfig, type Caller } from './auth.js';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1_048_576;

// #region status
/** The HTTP status for each way a command can be refused. */
export function statusOf(error: HandlerError): number {
  switch (error.code) {
    case 'invalid-command':
      return 400; // bad input: the message names the field
    case 'role-not-allowed':
    case 'not-your-budget':
      return 403; // this actor may not do this
    case 'version-conflict':
      return 409; // the budget changed: reload and decide again
    case 'command-id-reused':
      return 409; // this commandId was used for another command: send a new id
    case 'store-failure':
      return 503; // try again later (same commandId: repeats are safe)
    default:
      return 422; // a rule of the ledger is broken; the message says which
  }
}
// #endregion status

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An error to answer with: a code, a message, and data that names what was wrong. */
type ErrorBody = { readonly code: string; readonly message: string } & object;

/** An error as a client sees it: no field that may hold personal data, and the request id. */
function publicError(error: ErrorBody, requestId: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(error)) {
    // a store failure's `reason` is a code; anywhere else a reason is free text
    const code = k === 'reason' && error.code === 'store-failure';
    if (code || (!PRIVATE_FIELDS.has(k) && k !== 'actorId' && k !== 'actor')) out[k] = v;
  }
  out['requestId'] = requestId;
  return out;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Reads the whole request body (at most {@link MAX_BODY_BYTES}), so no answer leaves it unread. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'body-too-large', `request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw new HttpError(400, 'invalid-json', `request body is not JSON: ${jsonSyntaxProblem(err)}`);
  }
}

function expectedVersionOf(req: IncomingMessage): number | undefined {
  const h = req.headers['if-match'];
  if (h === undefined) return undefined;
  const m = /^\s*"?(\d{1,9})"?\s*$/.exec(h);
  if (m === null)
    throw new HttpError(400, 'invalid-if-match', 'If-Match must be a budget version, e.g. If-Match: "12"');
  return Number(m[1]);
}

// #region actor
/**
 * The command the caller sent, recorded under the token's actor. A body may leave `actor` out
 * or repeat the token's exactly; any other actor is refused (403 `actor-mismatch`).
 */
export function withCallerActor(body: unknown, caller: Caller): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const sent = Object.hasOwn(body, 'actor') ? (body as { actor: unknown }).actor : undefined;
  if (sent !== undefined) {
    const a = sent as { id?: unknown; role?: unknown } | null;
    const same =
      typeof a === 'object' &&
      a !== null &&
      Object.keys(a).length === 2 &&
      a.id === caller.actor.id &&
      a.role === caller.actor.role;
    if (!same)
      throw new HttpError(403, 'actor-mismatch', "the command's actor is not the caller named by the token");
  }
  return { ...body, actor: caller.actor };
}
// #endregion actor

/** Options of {@link createService}. */
export interface ServiceOptions {
  readonly store: Store;
  /** How tokens are checked (see `authFromEnv` in auth.ts). */
  readonly auth: AuthConfig;
  readonly handler?: CommandHandlerOptions;
  /** Receives the service's log lines, one JSON object each (default: standard output). */
  readonly log?: (line: string) => void;
}

/** What one request's log line needs. */
interface RequestContext {
  readonly requestId: string;
  /** The code of the refusal or failure, when the answer is one. */
  refusal?: string;
}

/** A route without its ids, for log lines. */
function routeOf(path: string): string {
  if (path === '/commands' || path === '/log') return path;
  if (/^\/budgets\/[^/]+\/events$/.test(path)) return '/budgets/:id/events';
  if (/^\/budgets\/[^/]+$/.test(path)) return '/budgets/:id';
  return 'other';
}

/** The service as a `node:http` server (not yet listening). */
export function createService(options: ServiceOptions): Server {
  const { store, auth } = options;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  // #region handler
  const handler = new CommandHandler(store, {
    clock: () => new Date().toISOString(),
    ...options.handler,
  });
  // #endregion handler

  async function postCommand(
    req: IncomingMessage,
    res: ServerResponse,
    caller: Caller,
    ctx: RequestContext,
    body: Buffer,
  ): Promise<void> {
    if (caller.actor.role === 'auditor')
      throw new HttpError(403, 'read-only', 'an auditor reads and never writes');
    const expectedVersion = expectedVersionOf(req);
    // #region post
    const decoded = decodeCommand(withCallerActor(parseJson(body), caller));
    if (decoded._tag === 'Left') {
      ctx.refusal = decoded.left.code;
      return send(res, 400, { error: publicError(decoded.left, ctx.requestId) });
    }
    const command = decoded.right;
    const refused = mayWrite(
      caller,
      command,
      scopeOf(command.budgetId, (await handler.load(command.budgetId)).state),
    );
    if (refused !== null) throw new HttpError(403, refused.code, refused.message);
    const result = await handler.handle(command, expectedVersion === undefined ? {} : { expectedVersion });
    if (result._tag === 'Left') {
      ctx.refusal = result.left.code;
      return send(res, statusOf(result.left), { error: publicError(result.left, ctx.requestId) });
    }
    const { events, version, duplicate } = result.right;
    send(
      res,
      duplicate ? 200 : 201,
      { events: events.map(encodeEvent), version, duplicate },
      { etag: `"${version}"` },
    );
    // #endregion post
  }

  /** The budget's state when the caller may read it; otherwise the same 404 as for no budget. */
  async function readable(budgetId: string, caller: Caller) {
    const loaded = await handler.load(budgetId);
    if (loaded.version === 0 || !mayRead(caller, scopeOf(budgetId, loaded.state)))
      throw new HttpError(404, 'unknown-budget', 'there is no such budget that you may read');
    return loaded;
  }

  async function getBudget(budgetId: string, caller: Caller, res: ServerResponse): Promise<void> {
    const loaded = await readable(budgetId, caller);
    const report = balancesJson({ budgets: [balancesOf(budgetId, loaded.state)] });
    send(
      res,
      200,
      { budgetId, version: loaded.version, streams: report.budgets[0]?.streams ?? {} },
      { etag: `"${loaded.version}"` },
    );
  }

  async function getEvents(budgetId: string, caller: Caller, res: ServerResponse): Promise<void> {
    await readable(budgetId, caller);
    send(res, 200, { events: (await store.readStream(budgetId)).map(encodeEvent) });
  }

  async function getLog(caller: Caller, res: ServerResponse): Promise<void> {
    if (caller.actor.role !== 'auditor')
      throw new HttpError(403, 'auditors-only', 'only auditors may export the whole log');
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    for await (const line of storeLines(store)) res.write(line);
    res.end();
  }

  async function route(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    // the path as sent, without the query; never URL-decoded, so only plain ids match a route
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    // the body first (bounded): an answer never leaves part of it unread on the connection
    const body = await readBody(req);
    // #region authenticate
    const caller = await authenticate(req.headers.authorization, auth);
    // #endregion authenticate
    const budget = /^\/budgets\/([A-Za-z0-9._:-]{1,128})(\/events)?$/.exec(path);
    if (path === '/commands') {
      if (method !== 'POST') throw new HttpError(405, 'method-not-allowed', 'use POST /commands');
      return postCommand(req, res, caller, ctx, body);
    }
    if (method !== 'GET') throw new HttpError(405, 'method-not-allowed', 'use GET for this resource');
    if (path === '/log') return getLog(caller, res);
    if (budget !== null && budget[2] === undefined) return getBudget(budget[1] as string, caller, res);
    if (budget !== null) return getEvents(budget[1] as string, caller, res);
    throw new HttpError(404, 'not-found', 'no such resource');
  }

  /** Answers a request that failed; returns the refusal code for the log line. */
  function failure(err: unknown, req: IncomingMessage, res: ServerResponse, requestId: string): string {
    if (res.headersSent) {
      res.destroy();
      return 'aborted';
    }
    // a body left unread cannot be followed by another request on this connection: close it
    const close: Record<string, string> = req.complete ? {} : { connection: 'close' };
    if (!req.complete) req.resume();
    if (err instanceof AuthError) {
      send(
        res,
        401,
        { error: publicError({ code: err.code, message: err.message }, requestId) },
        {
          ...close,
          'www-authenticate': 'Bearer',
        },
      );
      return err.code;
    }
    if (err instanceof HttpError) {
      send(
        res,
        err.status,
        { error: publicError({ code: err.code, message: err.message }, requestId) },
        close,
      );
      return err.code;
    }
    if (err instanceof StoreError) {
      const failure = {
        code: 'store-failure',
        reason: err.code,
        message: err.message,
        outcomeUnknown: err.outcomeUnknown,
      };
      send(res, 503, { error: publicError(failure, requestId) }, close);
      return 'store-failure';
    }
    // never a stack trace to a client, nor a message in the log (it may quote a value): the
    // error's kind and where it was thrown
    const where =
      err instanceof Error ? (err.stack ?? '').split('\n').find((l) => /^\s+at /.test(l)) : undefined;
    log(
      JSON.stringify({
        requestId,
        level: 'error',
        error: err instanceof Error ? err.name : typeof err,
        where: where?.trim() ?? null,
      }),
    );
    send(res, 500, { error: publicError({ code: 'internal', message: 'internal error' }, requestId) }, close);
    return 'internal';
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const ctx: RequestContext = { requestId };
    res.on('close', () =>
      log(
        JSON.stringify({
          requestId,
          method: req.method ?? null,
          route: routeOf(path),
          status: res.statusCode,
          ...(ctx.refusal === undefined ? {} : { error: ctx.refusal }),
        }),
      ),
    );
    route(req, res, ctx).catch((err: unknown) => {
      ctx.refusal = failure(err, req, res, requestId);
    });
  });
  // a request Node cannot parse (headers over its limit, bad syntax): a JSON error too, and a log line
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const requestId = randomUUID();
    const big = err.code === 'HPE_HEADER_OVERFLOW';
    const status = big ? 431 : 400;
    const error = big
      ? { code: 'headers-too-large', message: 'request headers are too large' }
      : { code: 'bad-request', message: 'the request is not valid HTTP' };
    log(JSON.stringify({ requestId, method: null, route: 'other', status, error: error.code }));
    if (!socket.writable) return socket.destroy();
    const text = JSON.stringify({ error: publicError(error, requestId) });
    socket.end(
      `HTTP/1.1 ${status} ${big ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
        `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${text}`,
    );
  });
  return server;
}
