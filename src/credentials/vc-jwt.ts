// VC-JOSE-COSE: a credential secured as a compact JWS (`application/vc+jwt`). The payload is the
// credential itself (no `vc`/`vp` wrapper, no duplicated JWT claims: validFrom/validUntil/issuer
// are the only source of truth). Signing through Web Crypto, imported keys cached (an import costs
// about as much as the signature); verifying through an Ed25519Verifier (ed25519.ts).
// jose's base64url: Web APIs only, and about 2.5× faster than lib/bytes' on a 2 KB payload (hot path)
import { base64url } from 'jose';
import type { SigningKeyPair } from '../signing-keys/signing-key.ts';
import { VC_V2_CONTEXT_URL } from './context.ts';
import { InvalidEd25519KeyError, webCryptoEd25519, type Ed25519Verifier } from './ed25519.ts';

export const CREDENTIAL_JWT_TYP = 'vc+jwt';
/** RFC 8037 `EdDSA`, and RFC 9864's fully specified `Ed25519`. */
export const ACCEPTED_ALGS = ['EdDSA', 'Ed25519'] as const;
export type AcceptedAlg = (typeof ACCEPTED_ALGS)[number];
export const DEFAULT_SKEW_SECONDS = 300;

export type CredentialErrorCode =
  | 'CREDENTIAL_FORMAT_INVALID'
  | 'CREDENTIAL_ALG_UNSUPPORTED'
  | 'CREDENTIAL_TYP_INVALID'
  | 'CREDENTIAL_KEY_UNKNOWN'
  | 'CREDENTIAL_SIGNATURE_INVALID'
  | 'CREDENTIAL_NOT_YET_VALID'
  | 'CREDENTIAL_EXPIRED';

export class CredentialVerificationError extends Error {
  readonly code: CredentialErrorCode;
  constructor(code: CredentialErrorCode, message: string) {
    super(message);
    this.name = 'CredentialVerificationError';
    this.code = code;
  }
}

/** The input is not a compact JWS with a JSON header and a JSON object payload. */
export class CredentialFormatError extends CredentialVerificationError {
  constructor(message: string) {
    super('CREDENTIAL_FORMAT_INVALID', message);
    this.name = 'CredentialFormatError';
  }
}

export interface CredentialJwtHeader {
  alg: string;
  typ?: string;
  cty?: string;
  kid?: string;
  crit?: unknown;
  [member: string]: unknown;
}

export interface DecodedCredentialJwt {
  header: CredentialJwtHeader;
  payload: Record<string, unknown>;
}

export interface VerifiedCredentialJwt {
  header: CredentialJwtHeader & { alg: AcceptedAlg; kid: string };
  /** the verified credential (the JWS payload) */
  credential: Record<string, unknown>;
  kid: string;
  validFrom?: Date;
  validUntil?: Date;
}

export interface VerifyCredentialOptions {
  now: Date;
  /** tolerance for validFrom/validUntil (and nbf/exp if present), in seconds; default 300 */
  skewSeconds?: number;
  /** how Ed25519 signatures are checked; Web Crypto unless the platform offers better (ed25519.ts) */
  ed25519?: Ed25519Verifier;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const KEY_CACHE_LIMIT = 256;

// ---------------------------------------------------------------------------------------------
// Signing

const privateKeys = new Map<string, { x: string | undefined; key: Promise<CryptoKey> }>();
const encodedHeaders = new Map<string, string>();

export async function signCredential(credential: object, key: SigningKeyPair): Promise<string> {
  const signingInput = `${encodedHeader(key.kid)}.${base64url.encode(encoder.encode(JSON.stringify(credential)))}`;
  const signature = await crypto.subtle.sign('Ed25519', await privateKey(key), encoder.encode(signingInput));
  return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
}

function encodedHeader(kid: string): string {
  let header = encodedHeaders.get(kid);
  if (!header) {
    header = base64url.encode(encoder.encode(JSON.stringify({ alg: 'EdDSA', typ: CREDENTIAL_JWT_TYP, cty: 'vc', kid })));
    if (encodedHeaders.size >= KEY_CACHE_LIMIT) encodedHeaders.clear();
    encodedHeaders.set(kid, header);
  }
  return header;
}

function privateKey(pair: SigningKeyPair): Promise<CryptoKey> {
  const cached = privateKeys.get(pair.kid);
  if (cached && cached.x === pair.privateJwk.x) return cached.key;
  const { kty, crv, x, d } = pair.privateJwk;
  const key = crypto.subtle.importKey('jwk', { kty, crv, x, d }, { name: 'Ed25519' }, false, ['sign']);
  if (privateKeys.size >= KEY_CACHE_LIMIT) privateKeys.clear();
  privateKeys.set(pair.kid, { x: pair.privateJwk.x, key });
  key.catch(() => privateKeys.delete(pair.kid));
  return key;
}

// ---------------------------------------------------------------------------------------------
// Decoding (no verification)

/** A compact JWS split and decoded, NOT verified: hand it to verifyCredentialJwt to verify. */
export interface CredentialJwtParts extends DecodedCredentialJwt {
  signingInput: string;
  /** the raw third segment; may be empty (an unsecured JWS), checked by verifyCredentialJwt */
  signature: string;
}

function splitJws(jwt: unknown): CredentialJwtParts {
  if (typeof jwt !== 'string') throw new CredentialFormatError('a credential JWT must be a string');
  const parts = jwt.trim().split('.');
  if (parts.length !== 3) throw new CredentialFormatError('a credential JWT has three dot-separated parts');
  const [h, p, s] = parts as [string, string, string];
  if (!h || !p) throw new CredentialFormatError('the JWS header or payload is empty');
  if (!BASE64URL.test(s)) throw new CredentialFormatError('the JWS signature is not base64url');
  const header = jsonObject(h, 'header');
  if (typeof header.alg !== 'string') throw new CredentialFormatError('the JWS header has no alg');
  return { header: header as CredentialJwtHeader, payload: jsonObject(p, 'payload'), signingInput: `${h}.${p}`, signature: s };
}

/** The 64 signature bytes, or undefined for anything else (including a re-spelled encoding). */
function ed25519Signature(segment: string): Uint8Array | undefined {
  if (segment.length !== 86) return undefined;
  const bytes = base64url.decode(segment);
  return bytes.length === 64 && base64url.encode(bytes) === segment ? bytes : undefined;
}

function base64urlBytes(segment: string, what: string): Uint8Array {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) {
    throw new CredentialFormatError(`the JWS ${what} is not base64url`);
  }
  return base64url.decode(segment);
}

function jsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(base64urlBytes(segment, what)));
  } catch (error) {
    if (error instanceof CredentialFormatError) throw error;
    throw new CredentialFormatError(`the JWS ${what} is not UTF-8 JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new CredentialFormatError(`the JWS ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Header and payload of a compact JWS, NOT verified. Throws CredentialFormatError. */
export function decodeCredentialJwt(jwt: string): DecodedCredentialJwt {
  const { header, payload } = splitJws(jwt);
  return { header, payload };
}

/**
 * As decodeCredentialJwt, keeping what verifyCredentialJwt needs besides: a caller that looks at
 * the header and payload before verifying does not decode the token twice.
 */
export function splitCredentialJwt(jwt: string): CredentialJwtParts {
  return splitJws(jwt);
}

// ---------------------------------------------------------------------------------------------
// Verification

/**
 * Verifies a `vc+jwt`: format, header (alg EdDSA/Ed25519, typ vc+jwt, cty vc if present, no
 * crit), that the payload is a VC 2.0 credential without `vc`/`vp` claims, the Ed25519 signature
 * with the key `getKey(kid)` returns, and the validity period with ±skew. Whether the key and the
 * issuer are acceptable is up to `getKey` and the caller; errors from `getKey` propagate as is.
 */
export async function verifyCredentialJwt(
  jwt: string | CredentialJwtParts,
  getKey: (kid: string) => Promise<JsonWebKey | undefined>,
  opts: VerifyCredentialOptions,
): Promise<VerifiedCredentialJwt> {
  const { header, payload, signingInput, signature } = typeof jwt === 'string' ? splitJws(jwt) : jwt;

  if (!(ACCEPTED_ALGS as readonly string[]).includes(header.alg)) {
    throw new CredentialVerificationError('CREDENTIAL_ALG_UNSUPPORTED', `alg ${quote(header.alg)} is not accepted; use EdDSA or Ed25519`);
  }
  if (typeof header.typ !== 'string' || !isMediaType(header.typ, CREDENTIAL_JWT_TYP)) {
    throw new CredentialVerificationError('CREDENTIAL_TYP_INVALID', `typ must be ${CREDENTIAL_JWT_TYP}, got ${quote(header.typ)}`);
  }
  if (header.cty !== undefined && (typeof header.cty !== 'string' || !isMediaType(header.cty, 'vc'))) {
    throw new CredentialVerificationError('CREDENTIAL_TYP_INVALID', `cty must be vc, got ${quote(header.cty)}`);
  }
  if (header.crit !== undefined) {
    throw new CredentialFormatError('the JWS header lists critical extensions (crit), which this verifier does not understand');
  }
  checkCredentialShape(payload);
  const times = validityPeriod(payload);

  if (typeof header.kid !== 'string' || header.kid === '') {
    throw new CredentialVerificationError('CREDENTIAL_KEY_UNKNOWN', 'the JWS header names no kid');
  }
  const jwk = await getKey(header.kid);
  if (!jwk) throw new CredentialVerificationError('CREDENTIAL_KEY_UNKNOWN', `no key is known for kid ${quote(header.kid)}`);
  const x = ed25519PublicKey(header.kid, jwk);

  const signatureBytes = ed25519Signature(signature);
  const valid = signatureBytes !== undefined && (await verifyEd25519(opts.ed25519 ?? webCryptoEd25519, header.kid, x, signatureBytes, encoder.encode(signingInput)));
  if (!valid) throw new CredentialVerificationError('CREDENTIAL_SIGNATURE_INVALID', 'the signature does not verify');

  checkPeriod(times, opts);

  return {
    header: header as VerifiedCredentialJwt['header'],
    credential: payload,
    kid: header.kid,
    ...(times.validFrom ? { validFrom: times.validFrom } : {}),
    ...(times.validUntil ? { validUntil: times.validUntil } : {}),
  };
}

/**
 * The validity period check of verifyCredentialJwt on its own, for a credential whose signature
 * was verified before (a cached status list at a later moment): throws the same errors.
 */
export function checkValidityPeriod(credential: Record<string, unknown>, opts: VerifyCredentialOptions): void {
  checkPeriod(validityPeriod(credential), opts);
}

function checkPeriod(times: { notBefore?: number; notAfter?: number }, opts: VerifyCredentialOptions): void {
  const skewMs = (opts.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000;
  const now = opts.now.getTime();
  if (Number.isNaN(now) || !(skewMs >= 0)) throw new TypeError('verifyCredentialJwt needs a valid `now` and a non-negative skew');
  if (times.notBefore !== undefined && now + skewMs < times.notBefore) {
    throw new CredentialVerificationError('CREDENTIAL_NOT_YET_VALID', `the credential is valid from ${new Date(times.notBefore).toISOString()}`);
  }
  if (times.notAfter !== undefined && now - skewMs > times.notAfter) {
    throw new CredentialVerificationError('CREDENTIAL_EXPIRED', `the credential was valid until ${new Date(times.notAfter).toISOString()}`);
  }
}

/** Header values are attacker-controlled: quoted and cut short before they go into a message. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** RFC 7515 §4.1.9: `typ`/`cty` may omit "application/", and compare case-insensitively. */
function isMediaType(value: string, expected: string): boolean {
  const v = value.toLowerCase();
  return v === expected || v === `application/${expected}`;
}

function checkCredentialShape(payload: Record<string, unknown>): void {
  if ('vc' in payload || 'vp' in payload) {
    throw new CredentialFormatError('the payload carries vc/vp claims; a vc+jwt payload is the credential itself');
  }
  const context = payload['@context'];
  if (!Array.isArray(context) || context[0] !== VC_V2_CONTEXT_URL) {
    throw new CredentialFormatError(`the payload's @context must start with ${VC_V2_CONTEXT_URL}`);
  }
  const type = payload.type;
  if (!(type === 'VerifiableCredential' || (Array.isArray(type) && type.includes('VerifiableCredential')))) {
    throw new CredentialFormatError('the payload is not a VerifiableCredential');
  }
}

// XML Schema dateTimeStamp (a time zone is required), as VC 2.0 requires for validFrom/validUntil.
const DATE_TIME_STAMP = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function validityPeriod(payload: Record<string, unknown>) {
  const validFrom = dateTime(payload, 'validFrom');
  const validUntil = dateTime(payload, 'validUntil');
  const nbf = numericDate(payload, 'nbf');
  const exp = numericDate(payload, 'exp');
  const latest = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const earliest = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  return {
    validFrom,
    validUntil,
    notBefore: latest(validFrom?.getTime(), nbf),
    notAfter: earliest(validUntil?.getTime(), exp),
  };
}

function dateTime(payload: Record<string, unknown>, member: string): Date | undefined {
  const value = payload[member];
  if (value === undefined) return undefined;
  const date = typeof value === 'string' && DATE_TIME_STAMP.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new CredentialFormatError(`${member} is not an XML Schema dateTimeStamp`);
  return date;
}

function numericDate(payload: Record<string, unknown>, claim: string): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new CredentialFormatError(`${claim} is not a NumericDate`);
  return value * 1000;
}

function ed25519PublicKey(kid: string, jwk: JsonWebKey): string {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new CredentialVerificationError('CREDENTIAL_KEY_UNKNOWN', `the key for kid ${kid} is not a public Ed25519 key`);
  }
  return jwk.x;
}

async function verifyEd25519(backend: Ed25519Verifier, kid: string, x: string, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    return await backend.verify(x, signature, data);
  } catch (error) {
    if (error instanceof InvalidEd25519KeyError) throw new CredentialVerificationError('CREDENTIAL_KEY_UNKNOWN', `the key for kid ${kid} is not a valid Ed25519 key`);
    throw error;
  }
}
