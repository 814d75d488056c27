/**
 * Who is calling the example service: every request carries `Authorization: Bearer <token>`, a
 * JSON Web Token signed by the organisation's identity provider and verified here with `jose`.
 * The caller's actor (id and role) and scope come from the token's claims, never from the
 * request body.
 *
 * Claims the service reads (besides the standard `iss`, `aud`, `exp`, `nbf`, `iat`):
 *
 *   sub        the actor's id (for a budget holder, the `personRef` of their budget)
 *   role       holder | representative | coordinator | commissioner | finance | auditor
 *   sites      coordinator: the sites whose budgets they work on; funders: limits them to these sites
 *   caseload   coordinator: budget ids they work on wherever the budget's site is
 *   streams    commissioner, finance: their funder's streams (health, social-care, education, contribution)
 *
 * `exp` is required: a token that never expires is refused.
 */
import {
  SignJWT,
  errors as joseErrors,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importPKCS8,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import { ROLES, STREAMS, type Actor, type Role, type Stream } from 'ipb-ledger';

/** The signing algorithm of the example's tokens (ECDSA P-256 with SHA-256). */
export const TOKEN_ALGORITHM = 'ES256';

/** How the service checks tokens: fixed when it starts. */
export interface AuthConfig {
  /** The identity provider's public key (`TOKEN_ALGORITHM`). */
  readonly publicKey: CryptoKey;
  /** The `iss` every token must carry. */
  readonly issuer: string;
  /** The `aud` every token must carry: this service's name. */
  readonly audience: string;
  /** Seconds of clock difference tolerated for `exp` and `nbf` (default 30). */
  readonly clockToleranceSeconds?: number;
}

// #region caller
/** An authenticated caller: the actor commands are recorded under, and what they may touch. */
export interface Caller {
  readonly actor: Actor;
  /** Coordinator: sites they work on. Funders: when present, only budgets of these sites. */
  readonly sites: ReadonlySet<string>;
  /** Coordinator: budget ids they work on wherever the budget's site is. */
  readonly caseload: ReadonlySet<string>;
  /** Commissioner, finance: their funder's streams. */
  readonly streams: ReadonlySet<Stream>;
}
// #endregion caller

/** Why a request was not authenticated (the answer is 401 with this code). */
export class AuthError extends Error {
  constructor(
    readonly code:
      | 'missing-token'
      | 'invalid-token'
      | 'token-expired'
      | 'token-not-yet-valid'
      | 'wrong-audience'
      | 'wrong-issuer'
      | 'invalid-claims',
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'system');
const ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_TOKEN_CHARS = 8192;

function idList(payload: JWTPayload, claim: string): Set<string> {
  const v = payload[claim];
  if (v === undefined) return new Set();
  if (!Array.isArray(v) || v.length > 1000 || !v.every((x) => typeof x === 'string' && ID_RE.test(x))) {
    throw new AuthError('invalid-claims', `the token's ${claim} claim must be a list of ids`);
  }
  return new Set(v as string[]);
}

/** The caller a verified token's claims describe. */
export function callerOfClaims(payload: JWTPayload): Caller {
  const { sub, role } = payload;
  if (typeof sub !== 'string' || !ID_RE.test(sub))
    throw new AuthError('invalid-claims', 'the token has no usable sub claim');
  if (typeof role !== 'string' || !(TOKEN_ROLES as readonly string[]).includes(role))
    throw new AuthError('invalid-claims', `the token's role claim must be one of ${TOKEN_ROLES.join(', ')}`);
  const streams = idList(payload, 'streams');
  for (const s of streams) {
    if (!(STREAMS as readonly string[]).includes(s))
      throw new AuthError('invalid-claims', `the token's streams claim must list ${STREAMS.join(', ')}`);
  }
  return {
    actor: { id: sub, role: role as Role },
    sites: idList(payload, 'sites'),
    caseload: idList(payload, 'caseload'),
    streams: streams as Set<Stream>,
  };
}

// #region authenticate
/** Verifies the request's bearer token and returns the caller, or throws an {@link AuthError}. */
export async function authenticate(
  authorization: string | undefined,
  config: AuthConfig,
  now: Date = new Date(),
): Promise<Caller> {
  if (authorization === undefined || authorization === '')
    throw new AuthError('missing-token', 'send Authorization: Bearer <token>');
  const m = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization);
  if (m === null || (m[1] as string).length > MAX_TOKEN_CHARS)
    throw new AuthError('invalid-token', 'the Authorization header must be Bearer <token>');
  try {
    const { payload } = await jwtVerify(m[1] as string, config.publicKey, {
      algorithms: [TOKEN_ALGORITHM],
      issuer: config.issuer,
      audience: config.audience,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: config.clockToleranceSeconds ?? 30,
      currentDate: now,
    });
    return callerOfClaims(payload);
  } catch (err) {
    if (err instanceof AuthError) throw err;
    throw authErrorOf(err);
  }
}
// #endregion authenticate

function authErrorOf(err: unknown): AuthError {
  if (err instanceof joseErrors.JWTExpired) return new AuthError('token-expired', 'the token has expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'nbf':
        return new AuthError('token-not-yet-valid', 'the token is not valid yet');
      case 'aud':
        return new AuthError('wrong-audience', 'the token is not for this service');
      case 'iss':
        return new AuthError('wrong-issuer', 'the token is not from the expected issuer');
      default:
        return new AuthError('invalid-claims', `the token's ${err.claim} claim is missing or wrong`);
    }
  }
  // bad signature, wrong algorithm, malformed: never say more
  return new AuthError('invalid-token', 'the token is not valid');
}

// #region config
/**
 * The token settings from the environment:
 *   IPB_TOKEN_PUBLIC_KEY   the identity provider's ES256 public key (SPKI PEM), or
 *   IPB_TOKEN_PUBLIC_KEY_FILE  a file holding it
 *   IPB_TOKEN_ISSUER       the `iss` tokens must carry
 *   IPB_TOKEN_AUDIENCE     the `aud` tokens must carry (default ipb-service)
 */
export async function authFromEnv(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => Promise<string>,
): Promise<AuthConfig> {
  const file = env['IPB_TOKEN_PUBLIC_KEY_FILE'];
  const pem =
    env['IPB_TOKEN_PUBLIC_KEY'] || (file !== undefined && file !== '' ? await readFile(file) : undefined);
  const issuer = env['IPB_TOKEN_ISSUER'];
  if (pem === undefined || pem === '' || issuer === undefined || issuer === '') {
    throw new Error(
      'set IPB_TOKEN_PUBLIC_KEY (or IPB_TOKEN_PUBLIC_KEY_FILE) and IPB_TOKEN_ISSUER: every request is authenticated (for development: npx tsx examples/service/dev-token.ts keys)',
    );
  }
  let publicKey: CryptoKey;
  try {
    publicKey = await importSPKI(pem, TOKEN_ALGORITHM);
  } catch {
    throw new Error(`the token public key is not an ${TOKEN_ALGORITHM} public key in SPKI PEM form`);
  }
  return { publicKey, issuer, audience: env['IPB_TOKEN_AUDIENCE'] || 'ipb-service' };
}
// #endregion config

/** A development key pair as PEM text (never use one in production: your identity provider signs). */
export interface DevKeys {
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

/** Makes a fresh development key pair. */
export async function makeDevKeys(): Promise<DevKeys> {
  const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  return { publicKeyPem: await exportSPKI(publicKey), privateKeyPem: await exportPKCS8(privateKey) };
}

/** What a development token says. */
export interface TokenClaims {
  readonly sub: string;
  readonly role: Role;
  readonly sites?: readonly string[];
  readonly caseload?: readonly string[];
  readonly streams?: readonly Stream[];
}

// #region sign
/** Signs a token as an identity provider would (for development and tests). */
export async function signDevToken(
  privateKeyPem: string,
  claims: TokenClaims,
  options: {
    readonly issuer: string;
    readonly audience: string;
    /** Lifetime in seconds from `now` (default 3600). */
    readonly expiresIn?: number;
    readonly now?: Date;
    readonly notBefore?: Date;
  },
): Promise<string> {
  const key = await importPKCS8(privateKeyPem, TOKEN_ALGORITHM);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 3600));
  if (options.notBefore !== undefined) jwt.setNotBefore(Math.floor(options.notBefore.getTime() / 1000));
  return jwt.sign(key);
}
// #endregion sign
