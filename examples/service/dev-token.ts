/**
 * Development keys and tokens for the example service (in production your identity provider
 * signs the tokens and you give the service only its public key).
 *
 *   npx tsx examples/service/dev-token.ts keys [dir]
 *       writes dir/token-private.pem and dir/token-public.pem (default dir: .dev-keys)
 *   npx tsx examples/service/dev-token.ts token <private.pem> <sub> <role> [sites=a,b] [caseload=b-1] [streams=health]
 *       prints a token valid for an hour (issuer ipb-dev, audience ipb-service)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Role, Stream } from 'ipb-ledger';
import { makeDevKeys, signDevToken, type TokenClaims } from './auth.js';

/** The issuer of development tokens. */
export const DEV_ISSUER = 'ipb-dev';
/** The audience development tokens name (the service's default). */
export const DEV_AUDIENCE = 'ipb-service';

/** Writes a development key pair into `dir`; returns the two file names. */
export async function writeDevKeys(dir: string): Promise<{ privateKey: string; publicKey: string }> {
  const keys = await makeDevKeys();
  await mkdir(dir, { recursive: true });
  const privateKey = join(dir, 'token-private.pem');
  const publicKey = join(dir, 'token-public.pem');
  await writeFile(privateKey, keys.privateKeyPem, { mode: 0o600 });
  await writeFile(publicKey, keys.publicKeyPem);
  return { privateKey, publicKey };
}

/** The claims of `sub role [sites=..] [caseload=..] [streams=..]`. */
export function claimsOfArgs(sub: string, role: string, rest: readonly string[]): TokenClaims {
  const lists: Record<string, string[]> = {};
  for (const arg of rest) {
    const m = /^(sites|caseload|streams)=(.*)$/.exec(arg);
    if (m === null) throw new Error(`expected sites=, caseload= or streams=, got ${arg}`);
    lists[m[1] as string] = (m[2] as string).split(',').filter((s) => s !== '');
  }
  return {
    sub,
    role: role as Role,
    ...(lists['sites'] ? { sites: lists['sites'] } : {}),
    ...(lists['caseload'] ? { caseload: lists['caseload'] } : {}),
    ...(lists['streams'] ? { streams: lists['streams'] as Stream[] } : {}),
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const [what, ...args] = argv;
  if (what === 'keys') {
    const { privateKey, publicKey } = await writeDevKeys(args[0] ?? '.dev-keys');
    console.log(`wrote ${privateKey} and ${publicKey}; start the service with`);
    console.log(
      `  IPB_TOKEN_PUBLIC_KEY_FILE=${publicKey} IPB_TOKEN_ISSUER=${DEV_ISSUER} node dist/examples/service/main.js`,
    );
    return;
  }
  if (what === 'token' && args.length >= 3) {
    const [keyFile, sub, role, ...rest] = args as [string, string, string, ...string[]];
    const pem = await readFile(keyFile, 'utf8');
    console.log(
      await signDevToken(pem, claimsOfArgs(sub, role, rest), { issuer: DEV_ISSUER, audience: DEV_AUDIENCE }),
    );
    return;
  }
  throw new Error(
    'usage: dev-token.ts keys [dir] | dev-token.ts token <private.pem> <sub> <role> [sites=..] [caseload=..] [streams=..]',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`dev-token: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
