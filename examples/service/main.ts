/**
 * Runs the example service (examples/service/server.ts).
 *
 *   DATABASE_URL=postgres://... node dist/examples/service/main.js   PostgreSQL (schema IPB_SCHEMA, default ipb)
 *   IPB_LOG=budgets.jsonl node dist/examples/service/main.js          the embedded file store
 *   node dist/examples/service/main.js                                in memory (lost on exit)
 *
 * HOST (default 127.0.0.1) and PORT (default 8080; 0 picks a free one).
 *
 * Every request must carry a bearer token: IPB_TOKEN_PUBLIC_KEY (or IPB_TOKEN_PUBLIC_KEY_FILE)
 * and IPB_TOKEN_ISSUER say whose tokens to trust, IPB_TOKEN_AUDIENCE (default ipb-service) which
 * audience they must name (see auth.ts). The service does not start without them. For
 * development, `npx tsx examples/service/dev-token.ts keys` makes a key pair.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { FileEventStore, MemoryEventStore, PostgresEventStore, StoreError, type Store } from 'ipb-ledger';
import { authFromEnv } from './auth.js';
import { createService } from './server.js';

// #region store
/** The store the environment asks for. */
export async function storeFromEnv(env: NodeJS.ProcessEnv): Promise<{ store: Store; name: string }> {
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '') {
    const store = await PostgresEventStore.connect({
      connectionString: url,
      schema: env['IPB_SCHEMA'] ?? 'ipb',
    });
    await store.migrate(); // explicit and idempotent: creates the tables on first start
    return { store, name: `PostgreSQL schema ${store.schema}` };
  }
  const log = env['IPB_LOG'];
  if (log !== undefined && log !== '') {
    const store = await FileEventStore.open(log);
    for (const r of store.recovery) console.error(`ipb: ${log}: ${r.message}`);
    return { store, name: `file ${log}` };
  }
  return { store: new MemoryEventStore(), name: 'memory' };
}
// #endregion store

async function main(): Promise<void> {
  const auth = await authFromEnv(process.env, (path) => readFile(path, 'utf8'));
  const { store, name } = await storeFromEnv(process.env);
  const server = createService({ store, auth });
  const host = process.env['HOST'] ?? '127.0.0.1';
  const port = Number(process.env['PORT'] ?? 8080);
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === 'object' && address !== null ? address.port : port;
    console.log(`ipb service listening on http://${host}:${actual} (store: ${name})`);
  });
  const stop = () => {
    server.close(() => {
      store.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    // a clear message, never a stack trace
    console.error(
      `ipb service: ${err instanceof StoreError || err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  });
}
