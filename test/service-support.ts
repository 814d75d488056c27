/** Starting the example service (examples/service/) with real tokens, for the service tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { importSPKI } from 'jose';
import type { Actor, Store } from 'ipb-ledger';
import {
  TOKEN_ALGORITHM,
  makeDevKeys,
  signDevToken,
  type AuthConfig,
  type DevKeys,
  type TokenClaims,
} from '../examples/service/auth.js';
import { createService } from '../examples/service/server.js';

export const ISSUER = 'ipb-test-idp';
export const AUDIENCE = 'ipb-service';

/** A key pair, the service's token settings, and a way to sign tokens the service trusts. */
export interface TestAuth {
  readonly keys: DevKeys;
  readonly auth: AuthConfig;
  token(
    claims: TokenClaims,
    options?: { expiresIn?: number; now?: Date; notBefore?: Date; audience?: string; issuer?: string },
  ): Promise<string>;
}

export async function testAuth(): Promise<TestAuth> {
  const keys = await makeDevKeys();
  const auth: AuthConfig = {
    publicKey: await importSPKI(keys.publicKeyPem, TOKEN_ALGORITHM),
    issuer: ISSUER,
    audience: AUDIENCE,
  };
  return {
    keys,
    auth,
    token: (claims, options = {}) =>
      signDevToken(keys.privateKeyPem, claims, { issuer: ISSUER, audience: AUDIENCE, ...options }),
  };
}

/** The widest token of an actor: every site the tests use, every stream. */
export function claimsOf(actor: Actor, extra: Partial<TokenClaims> = {}): TokenClaims {
  const wide: Partial<TokenClaims> =
    actor.role === 'coordinator'
      ? { sites: ['north'] }
      : actor.role === 'finance' || actor.role === 'commissioner'
        ? { streams: ['health', 'social-care', 'education', 'contribution'] }
        : {};
  return { sub: actor.id, role: actor.role, ...wide, ...extra };
}

/** Starts the service in this process on a free port; `lines` collects its log lines. */
export async function listenService(
  store: Store,
  auth: AuthConfig,
): Promise<{ base: string; server: Server; lines: string[]; close: () => Promise<void> }> {
  const lines: string[] = [];
  const server = createService({ store, auth, log: (l) => lines.push(l) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    server,
    lines,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An answer, read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: unknown;
}

/** One request with an optional bearer token. */
export async function request(
  base: string,
  method: string,
  path: string,
  options: { token?: string | undefined; body?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const r = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await r.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: r.status, headers: r.headers, text, body };
}

/** The `error` of an answer's body. */
export function errorOf(a: Answer): Record<string, unknown> & { code?: string; message?: string } {
  return ((a.body as { error?: Record<string, unknown> } | undefined)?.error ?? {}) as Record<
    string,
    unknown
  >;
}

/** The process running examples/service/main.ts, with everything it printed. */
export interface MainProcess {
  readonly base: string;
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** Writes the public key where main.ts can read it and returns the environment that trusts it. */
export function tokenEnv(a: TestAuth, dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/token-public.pem`;
  writeFileSync(file, a.keys.publicKeyPem);
  return { IPB_TOKEN_PUBLIC_KEY_FILE: file, IPB_TOKEN_ISSUER: ISSUER, IPB_TOKEN_AUDIENCE: AUDIENCE };
}

/** Starts examples/service/main.ts as its own process and returns its address. */
export async function startMain(env: Record<string, string>): Promise<MainProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/service/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      IPB_LOG: '',
      IPB_TOKEN_PUBLIC_KEY: '',
      IPB_TOKEN_PUBLIC_KEY_FILE: '',
      IPB_TOKEN_ISSUER: '',
      ...env,
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (all += c));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      all += c;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(all);
      if (m !== null) resolve(m[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`service exited (${code}): ${all}`)));
  });
  return { base, child, output: () => all };
}

/** Stops the service (SIGTERM) and resolves with its exit code once all it printed has been read. */
export async function stopMain(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    child.on('close', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
