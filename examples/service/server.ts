/**
 * A small HTTP service over the ledger: it takes commands as JSON and answers with the events
 * they produced or the reason they were refused. It imports the package by its public name, as
 * a service built on it would. Start it with `examples/service/main.ts`.
 *
 *   POST /commands            a command as JSON; optional `If-Match: <version>` header
 *                              201 new events, 200 a repeat (same commandId: original events),
 *                              400 bad input, 403 role not allowed, 409 conflict or command id reused,
 *                              422 rule broken,
 *                              413 body too large, 503 store failure
 *   GET  /budgets/<id>         version (also as ETag) and balances per stream
 *   GET  /budgets/<id>/events  the budget's events as JSON
 *   GET  /log                  the whole store as a contract log (JSON Lines, verifiable)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  CommandHandler,
  StoreError,
  balancesJson,
  balancesOfStates,
  decodeCommand,
  encodeEvent,
  jsonSyntaxProblem,
  storeLines,
  type CommandHandlerOptions,
  type HandlerError,
  type Store,
} from 'ipb-ledger';

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

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'body-too-large', `request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
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

/** Options of {@link createService}. */
export interface ServiceOptions {
  readonly store: Store;
  readonly handler?: CommandHandlerOptions;
}

/** The service as a `node:http` server (not yet listening). */
export function createService(options: ServiceOptions): Server {
  const { store } = options;
  // #region handler
  const handler = new CommandHandler(store, {
    clock: () => new Date().toISOString(),
    ...options.handler,
  });
  // #endregion handler

  async function postCommand(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const expectedVersion = expectedVersionOf(req);
    // #region post
    const decoded = decodeCommand(await readJson(req));
    if (decoded._tag === 'Left') return send(res, 400, { error: decoded.left });
    const result = await handler.handle(
      decoded.right,
      expectedVersion === undefined ? {} : { expectedVersion },
    );
    if (result._tag === 'Left') return send(res, statusOf(result.left), { error: result.left });
    const { events, version, duplicate } = result.right;
    send(
      res,
      duplicate ? 200 : 201,
      { events: events.map(encodeEvent), version, duplicate },
      { etag: `"${version}"` },
    );
    // #endregion post
  }

  async function getBudget(budgetId: string, res: ServerResponse): Promise<void> {
    const loaded = await handler.load(budgetId);
    if (loaded.version === 0) throw new HttpError(404, 'unknown-budget', `there is no budget ${budgetId}`);
    const report = balancesJson(balancesOfStates(new Map([[budgetId, loaded.state]])));
    send(
      res,
      200,
      { budgetId, version: loaded.version, streams: report.budgets[0]?.streams ?? {} },
      { etag: `"${loaded.version}"` },
    );
  }

  async function getLog(res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    for await (const line of storeLines(store)) res.write(line);
    res.end();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // the path as sent, without the query; never URL-decoded, so only plain ids match a route
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const budget = /^\/budgets\/([A-Za-z0-9._:-]{1,128})(\/events)?$/.exec(path);
    if (path === '/commands') {
      if (method !== 'POST') throw new HttpError(405, 'method-not-allowed', 'use POST /commands');
      return postCommand(req, res);
    }
    if (method !== 'GET') throw new HttpError(405, 'method-not-allowed', `use GET ${path}`);
    if (path === '/log') return getLog(res);
    if (budget !== null && budget[2] === undefined) return getBudget(budget[1] as string, res);
    if (budget !== null) {
      const budgetId = budget[1] as string;
      const events = await store.readStream(budgetId);
      if (events.length === 0) throw new HttpError(404, 'unknown-budget', `there is no budget ${budgetId}`);
      return send(res, 200, { events: events.map(encodeEvent) });
    }
    throw new HttpError(
      404,
      'not-found',
      `no such resource: ${path.length > 60 ? `${path.slice(0, 60)}... (${path.length} characters)` : path}`,
    );
  }

  return createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof HttpError) {
        // after an unread body (too large) the connection cannot carry another request: close it
        const close: Record<string, string> = err.status === 413 ? { connection: 'close' } : {};
        send(res, err.status, { error: { code: err.code, message: err.message } }, close);
        if (err.status === 413) req.resume();
        return;
      }
      if (err instanceof StoreError) {
        return send(res, 503, { error: { code: 'store-failure', reason: err.code, message: err.message } });
      }
      // never a stack trace to a client: a short message, the details stay in the server's log
      console.error(err);
      send(res, 500, { error: { code: 'internal', message: 'internal error' } });
    });
  });
}
