// signature and issuer: the credential is signed (EdDSA/Ed25519 only) by a key we published, and
// names our DID as its issuer. A key listed as compromised fails the issuer check; a retired key
// still passes (ISSUER_KEY_RETIRED). The validity period is the validity check's finding, not
// this one's: a good signature on an expired credential is a good signature.
import { CredentialVerificationError, verifyJwsSignature } from '../../credentials/vc-jwt.ts';
import type { PublishedKeys } from '../context.ts';
import { check, skipUnless, type Fragment } from './fragment.ts';

export const signature: Fragment = {
  id: 'signature',
  skip: skipUnless('format', 'signature'),
  async verify(ctx) {
    const { parts, headerFindings } = ctx.token();
    const { header } = parts!;
    // asked first all the same: with the register's database down every entrance answers 503
    const keys = await ctx.keys();
    if (headerFindings.some((f) => f.member === 'alg')) {
      return check('signature', 'failed', 'SIGNATURE_ALG_UNSUPPORTED', { alg: String(header.alg).slice(0, 40) });
    }
    if (!keys) return check('signature', 'skipped', 'SKIPPED_KEYS_UNAVAILABLE');
    const key = findKey(keys, header.kid);
    if (!key) return check('signature', 'skipped', 'SKIPPED_KEY_UNKNOWN');
    try {
      if (await verifyJwsSignature(parts!, key.jwk, ctx.ed25519)) return check('signature', 'passed', 'SIGNATURE_VALID');
      return check('signature', 'failed', 'SIGNATURE_INVALID');
    } catch (error) {
      // a published x that is no Ed25519 key (CREDENTIAL_KEY_UNKNOWN): no valid signature either
      const code = error instanceof CredentialVerificationError ? error.code : undefined;
      return check('signature', 'failed', 'SIGNATURE_INVALID', code ? { cause: code } : undefined);
    }
  },
};

export const issuer: Fragment = {
  id: 'issuer',
  skip: skipUnless('signature', 'issuer'),
  async verify(ctx) {
    const keys = await ctx.keys();
    if (!keys) return check('issuer', 'failed', 'KEYS_UNAVAILABLE');
    const key = findKey(keys, ctx.token().parts!.header.kid);
    if (!key) return check('issuer', 'failed', 'KEY_UNKNOWN');
    if (key.kind === 'compromised') return check('issuer', 'failed', 'KEY_COMPROMISED', { compromisedAt: key.compromisedAt });
    const named = ctx.token().parts!.payload.issuer;
    const issuerId = typeof named === 'object' && named !== null ? (named as Record<string, unknown>).id : named;
    if (issuerId !== ctx.sources.expectedIssuerDid) {
      return check('issuer', 'failed', 'ISSUER_MISMATCH', { issuer: String(issuerId).slice(0, 200), expected: ctx.sources.expectedIssuerDid });
    }
    return key.kind === 'retired' ? check('issuer', 'passed', 'ISSUER_KEY_RETIRED') : check('issuer', 'passed', 'ISSUER_VALID');
  },
};

type FoundKey = { kind: 'active' | 'retired'; jwk: JsonWebKey } | { kind: 'compromised'; jwk: JsonWebKey; compromisedAt: string };

export function findKey(keys: PublishedKeys, kid: unknown): FoundKey | undefined {
  if (typeof kid !== 'string' || kid === '') return undefined;
  const jwk = (x: string): JsonWebKey => ({ kty: 'OKP', crv: 'Ed25519', x });
  // a kid listed as compromised stays compromised even if it (wrongly) also appears under keys
  const bad = keys.compromised?.find((k) => k.kid === kid);
  if (bad) return { kind: 'compromised', jwk: jwk(bad.x), compromisedAt: bad.compromised_at };
  const good = keys.keys?.find((k) => k.kid === kid);
  if (good && (good.status === 'active' || good.status === 'retired')) return { kind: good.status, jwk: jwk(good.x) };
  return undefined;
}

/** Status lists count only when signed by a key we still trust (active or retired). */
export function trustedListKey(keys: PublishedKeys, kid: string): JsonWebKey | undefined {
  const key = findKey(keys, kid);
  return key && key.kind !== 'compromised' ? key.jwk : undefined;
}
