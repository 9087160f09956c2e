import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as ed from '@noble/ed25519';
import { compactVerify, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialFormatError,
  CredentialVerificationError,
  decodeCredentialJwt,
  jwsHeaderFindings,
  MAX_JSON_DEPTH,
  signCredential,
  verifyCredentialJwt,
  type CredentialErrorCode,
} from '../../src/credentials/vc-jwt.ts';
import { generateSigningKey, signingKeyFromPrivateJwk, type SigningKeyPair } from '../../src/signing-keys/signing-key.ts';

// @noble/ed25519 with SHA-512 from node:crypto: an Ed25519 implementation independent of Web Crypto
ed.hashes.sha512 = (message: Uint8Array) => new Uint8Array(createHash('sha512').update(message).digest());

const vectorText = (path: string) => readFileSync(new URL(`../vectors/${path}`, import.meta.url), 'utf8');
const vectorJson = <T = any>(path: string): T => JSON.parse(vectorText(path)) as T;

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const fromB64u = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));
const utf8 = (text: string) => new TextEncoder().encode(text);

const NOW = new Date('2026-11-23T10:00:00Z');
const credential = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://register.example/contexts/diploma/v1'],
  id: 'urn:uuid:5d0c7c9e-8a53-4a6a-9f39-1f3f1c0a2b7e',
  type: ['VerifiableCredential', 'DiplomaCredential'],
  issuer: 'did:web:register.example',
  validFrom: '2026-11-23T10:00:00Z',
  credentialSubject: { givenName: 'Ünal', familyNamePrefix: "d'", familyName: 'Arnaud', name: "Ünal d' Arnaud", birthDate: '2001-02-03' },
};

let key: SigningKeyPair;
let otherKey: SigningKeyPair;
beforeAll(async () => {
  key = await generateSigningKey();
  otherKey = await generateSigningKey();
});
const ourKey = async (kid: string) => (kid === key.kid ? key.publicJwk : undefined);

/** A JWS with any header and payload, signed by `key` (for cases signCredential never produces). */
async function signRaw(header: object, payload: object | string, signer: SigningKeyPair = key): Promise<string> {
  const input = `${b64u(JSON.stringify(header))}.${b64u(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  const { kty, crv, x, d } = signer.privateJwk;
  const cryptoKey = await crypto.subtle.importKey('jwk', { kty, crv, x, d }, 'Ed25519', false, ['sign']);
  return `${input}.${b64u(new Uint8Array(await crypto.subtle.sign('Ed25519', cryptoKey, utf8(input))))}`;
}

async function verificationError(promise: Promise<unknown>): Promise<CredentialVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CredentialVerificationError);
  return error as CredentialVerificationError;
}
const expectCode = async (promise: Promise<unknown>, code: CredentialErrorCode) =>
  expect((await verificationError(promise)).code).toBe(code);

describe('RFC 8037 Ed25519 JWS known answer', () => {
  const vector = vectorJson('rfc8037/ed25519-jws.json');

  it('Web Crypto Ed25519 (the primitive vc-jwt uses) reproduces the signature byte for byte', async () => {
    const { kty, crv, x, d } = vector.privateJwk;
    const privateKey = await crypto.subtle.importKey('jwk', { kty, crv, x, d }, 'Ed25519', false, ['sign']);
    const publicKey = await crypto.subtle.importKey('jwk', vector.publicJwk, 'Ed25519', false, ['verify']);
    const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, utf8(vector.signingInput)));
    expect(`${vector.signingInput}.${b64u(signature)}`).toBe(vector.jwsCompact);
    expect(await crypto.subtle.verify('Ed25519', publicKey, signature, utf8(vector.signingInput))).toBe(true);
  });

  it('signCredential with the RFC key gives the signature @noble/ed25519 computes for the same input', async () => {
    const rfcKey = await signingKeyFromPrivateJwk(vector.privateJwk);
    expect(rfcKey.kid).toBe(vector.jwkThumbprintSha256);
    const jws = await signCredential(credential, rfcKey);
    const [h, p, s] = jws.split('.') as [string, string, string];
    const expected = await ed.signAsync(utf8(`${h}.${p}`), fromB64u(vector.privateJwk.d));
    expect(s).toBe(b64u(expected));
  });

  it('verifyCredentialJwt refuses the RFC example: its payload is not a credential', async () => {
    const error = await verificationError(verifyCredentialJwt(vector.jwsCompact, async () => vector.publicJwk, { now: NOW }));
    expect(error).toBeInstanceOf(CredentialFormatError);
    expect(error.code).toBe('CREDENTIAL_FORMAT_INVALID');
  });
});

describe('signCredential', () => {
  it('writes exactly the header {alg, typ, cty, kid} and the credential itself as payload', async () => {
    const jws = await signCredential(credential, key);
    const [h, p] = jws.split('.') as [string, string];
    expect(Buffer.from(h, 'base64url').toString('utf8')).toBe(
      JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: key.kid }),
    );
    expect(JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))).toEqual(credential);
    const decoded = decodeCredentialJwt(jws);
    expect(decoded.header).toEqual({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: key.kid });
    expect(decoded.payload).toEqual(credential);
    expect(decoded.payload).not.toHaveProperty('vc');
    expect(decoded.payload).not.toHaveProperty('iss');
  });

  it('produces a signature @noble/ed25519 verifies with the raw public key from the JWK', async () => {
    const jws = await signCredential(credential, key);
    const [h, p, s] = jws.split('.') as [string, string, string];
    const publicKey = fromB64u(key.publicJwk.x);
    expect(ed.verify(fromB64u(s), utf8(`${h}.${p}`), publicKey)).toBe(true);
    expect(ed.verify(fromB64u(s), utf8(`${h}.${p}x`), publicKey)).toBe(false);
  });

  it('produces a JWS jose verifies with the public JWK', async () => {
    const jws = await signCredential(credential, key);
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK(key.publicJwk, 'EdDSA'));
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: key.kid });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(credential);
  });

  it('uses the right key when several are in use (the per-kid cache does not mix them up)', async () => {
    const [a, b, a2] = [await signCredential(credential, key), await signCredential(credential, otherKey), await signCredential(credential, key)];
    expect(a2).toBe(a); // Ed25519 is deterministic
    expect(b).not.toBe(a);
    for (const [jws, k] of [[a, key], [b, otherKey]] as const) {
      const [h, p, s] = jws.split('.') as [string, string, string];
      expect(ed.verify(fromB64u(s), utf8(`${h}.${p}`), fromB64u(k.publicJwk.x))).toBe(true);
    }
  });
});

describe('decodeCredentialJwt', () => {
  it('throws CredentialFormatError (CREDENTIAL_FORMAT_INVALID) on malformed input', async () => {
    const good = await signCredential(credential, key);
    const [h, p, s] = good.split('.') as [string, string, string];
    const malformed: unknown[] = [
      '',
      'abc',
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `.${p}.${s}`,
      `${h}..${s}`,
      `${h}.${p}.${s}+`,
      `${h}=.${p}.${s}`,
      `${b64u('not json')}.${p}.${s}`,
      `${b64u('[1,2]')}.${p}.${s}`,
      `${b64u('{"typ":"vc+jwt"}')}.${p}.${s}`,
      `${h}.${b64u('"a string"')}.${s}`,
      `${h}.${b64u(new Uint8Array([0x7b, 0xff, 0x7d]))}.${s}`,
      42,
      null,
    ];
    for (const input of malformed) {
      let caught: unknown;
      try {
        decodeCredentialJwt(input as string);
      } catch (e) {
        caught = e;
      }
      expect(caught, String(input)).toBeInstanceOf(CredentialFormatError);
      expect((caught as CredentialFormatError).code).toBe('CREDENTIAL_FORMAT_INVALID');
    }
  });
});

describe('verifyCredentialJwt', () => {
  it('accepts what signCredential signed and returns the credential', async () => {
    const result = await verifyCredentialJwt(await signCredential(credential, key), ourKey, { now: NOW });
    expect(result.kid).toBe(key.kid);
    expect(result.header.alg).toBe('EdDSA');
    expect(result.credential).toEqual(credential);
    expect(result.validFrom).toEqual(new Date('2026-11-23T10:00:00Z'));
    expect(result.validUntil).toBeUndefined();
  });

  it('accepts the fully specified alg "Ed25519" (RFC 9864) and typ "application/vc+jwt"', async () => {
    await verifyCredentialJwt(await signRaw({ alg: 'Ed25519', typ: 'vc+jwt', cty: 'vc', kid: key.kid }, credential), ourKey, { now: NOW });
    await verifyCredentialJwt(await signRaw({ alg: 'EdDSA', typ: 'application/vc+jwt', kid: key.kid }, credential), ourKey, { now: NOW });
  });

  it('rejects alg "none", with or without a signature', async () => {
    const unsecured = `${b64u(JSON.stringify({ alg: 'none', typ: 'vc+jwt', kid: key.kid }))}.${b64u(JSON.stringify(credential))}.`;
    await expectCode(verifyCredentialJwt(unsecured, ourKey, { now: NOW }), 'CREDENTIAL_ALG_UNSUPPORTED');
    const withSignature = await signRaw({ alg: 'none', typ: 'vc+jwt', kid: key.kid }, credential);
    await expectCode(verifyCredentialJwt(withSignature, ourKey, { now: NOW }), 'CREDENTIAL_ALG_UNSUPPORTED');
  });

  it('rejects HS256 signed with the public key as the HMAC secret (key confusion)', async () => {
    for (const secret of [fromB64u(key.publicJwk.x), utf8(JSON.stringify(key.publicJwk))]) {
      const input = `${b64u(JSON.stringify({ alg: 'HS256', typ: 'vc+jwt', kid: key.kid }))}.${b64u(JSON.stringify(credential))}`;
      const jws = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      await expectCode(verifyCredentialJwt(jws, ourKey, { now: NOW }), 'CREDENTIAL_ALG_UNSUPPORTED');
    }
  });

  it('rejects an unknown kid, a missing kid and a key that is not Ed25519', async () => {
    await expectCode(verifyCredentialJwt(await signCredential(credential, otherKey), ourKey, { now: NOW }), 'CREDENTIAL_KEY_UNKNOWN');
    await expectCode(verifyCredentialJwt(await signRaw({ alg: 'EdDSA', typ: 'vc+jwt' }, credential), ourKey, { now: NOW }), 'CREDENTIAL_KEY_UNKNOWN');
    const p256 = vectorJson('vc-jose-cose-test-suite/input/vm-p256.json').publicKeyJwk;
    await expectCode(verifyCredentialJwt(await signCredential(credential, key), async () => p256, { now: NOW }), 'CREDENTIAL_KEY_UNKNOWN');
  });

  it('rejects a signature by another key under our kid (the public-key cache is keyed by key material)', async () => {
    const jws = await signCredential(credential, key);
    await verifyCredentialJwt(jws, ourKey, { now: NOW }); // caches our key under this kid
    await expectCode(verifyCredentialJwt(jws, async () => otherKey.publicJwk, { now: NOW }), 'CREDENTIAL_SIGNATURE_INVALID');
  });

  it('rejects a changed payload', async () => {
    const [h, , s] = (await signCredential(credential, key)).split('.') as [string, string, string];
    const changed = { ...credential, credentialSubject: { ...credential.credentialSubject, familyName: 'Arnoud' } };
    await expectCode(verifyCredentialJwt(`${h}.${b64u(JSON.stringify(changed))}.${s}`, ourKey, { now: NOW }), 'CREDENTIAL_SIGNATURE_INVALID');
  });

  it('rejects a changed header', async () => {
    const [, p, s] = (await signCredential(credential, key)).split('.') as [string, string, string];
    const header = b64u(JSON.stringify({ alg: 'Ed25519', typ: 'vc+jwt', cty: 'vc', kid: key.kid }));
    await expectCode(verifyCredentialJwt(`${header}.${p}.${s}`, ourKey, { now: NOW }), 'CREDENTIAL_SIGNATURE_INVALID');
  });

  it('rejects a truncated, flipped or re-spelled signature', async () => {
    const jws = await signCredential(credential, key);
    const s = jws.split('.')[2]!;
    const variants = [
      jws.slice(0, -1),
      jws.slice(0, -2),
      jws.slice(0, -43),
      `${jws.slice(0, -86)}${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`,
      `${jws}AA`,
    ];
    for (const variant of variants) await expectCode(verifyCredentialJwt(variant, ourKey, { now: NOW }), 'CREDENTIAL_SIGNATURE_INVALID');
    // the last of 86 characters carries 2 signature bits and 4 padding bits: flipping a padding bit keeps the bytes
    const respelled = `${jws.slice(0, -1)}${b64uChar(b64uValue(s.at(-1)!) ^ 1)}`;
    expect(fromB64u(respelled.split('.')[2]!)).toEqual(fromB64u(s));
    await expectCode(verifyCredentialJwt(respelled, ourKey, { now: NOW }), 'CREDENTIAL_SIGNATURE_INVALID');
  });

  it('rejects a wrong or missing typ, and a wrong cty', async () => {
    for (const header of [
      { alg: 'EdDSA', typ: 'JWT', kid: key.kid },
      { alg: 'EdDSA', typ: 'vp+jwt', kid: key.kid },
      { alg: 'EdDSA', typ: 'dc+sd-jwt', kid: key.kid },
      { alg: 'EdDSA', kid: key.kid },
      { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vp', kid: key.kid },
    ]) {
      await expectCode(verifyCredentialJwt(await signRaw(header, credential), ourKey, { now: NOW }), 'CREDENTIAL_TYP_INVALID');
    }
  });

  it('rejects critical header extensions, vc/vp claims and payloads that are not VC 2.0 credentials', async () => {
    const header = { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: key.kid };
    for (const [h, payload] of [
      [{ ...header, crit: ['b64'], b64: false }, credential],
      [header, { ...credential, vc: credential }],
      [header, { ...credential, '@context': ['https://www.w3.org/2018/credentials/v1'] }],
      [header, { ...credential, type: ['DiplomaCredential'] }],
      [header, { ...credential, validFrom: '23-11-2026' }],
      [header, { ...credential, validUntil: '2030-01-01T00:00:00' /* no time zone */ }],
    ] as const) {
      await expectCode(verifyCredentialJwt(await signRaw(h, payload), ourKey, { now: NOW }), 'CREDENTIAL_FORMAT_INVALID');
    }
  });

  it('reports nbf/exp that no clock can reach as CREDENTIAL_TIME_INVALID, and only after the signature verified', async () => {
    const header = { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: key.kid };
    for (const times of [{ exp: '2030-01-01' }, { nbf: '0' }, { exp: 1e300 }, { exp: -1e300 }, { nbf: 1e300 }, { nbf: -1e300 }, { exp: 8.64e12 + 1 }, { nbf: null }, { exp: [1] }, { exp: { t: 1 } }, { exp: true }]) {
      const signed = await signRaw(header, { ...credential, ...times });
      await expectCode(verifyCredentialJwt(signed, ourKey, { now: NOW }), 'CREDENTIAL_TIME_INVALID');
      await expectCode(verifyCredentialJwt(signed.slice(0, -2) + (signed.endsWith('AA') ? 'BA' : 'AA'), ourKey, { now: NOW }), 'CREDENTIAL_SIGNATURE_INVALID');
    }
    // the edge of Date's range is a date (far in the future, or long past)
    await verifyCredentialJwt(await signRaw(header, { ...credential, exp: 8.64e12 }), ourKey, { now: NOW });
    await expectCode(verifyCredentialJwt(await signRaw(header, { ...credential, exp: -8.64e12 }), ourKey, { now: NOW }), 'CREDENTIAL_EXPIRED');
  });

  it('refuses JSON nested deeper than MAX_JSON_DEPTH right after parsing, in payload and header', async () => {
    const nest = (depth: number, leaf: unknown = 1): unknown => (depth === 0 ? leaf : { a: nest(depth - 1, leaf) });
    const deep = (depth: number) => ({ ...credential, credentialSubject: { ...(credential.credentialSubject as object), x: nest(depth) } });
    const header = { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: key.kid };
    // the credential itself is depth 1 and credentialSubject depth 2: x adds `depth` levels
    await verifyCredentialJwt(await signRaw(header, deep(MAX_JSON_DEPTH - 2)), ourKey, { now: NOW });
    await expectCode(verifyCredentialJwt(await signRaw(header, deep(MAX_JSON_DEPTH - 1)), ourKey, { now: NOW }), 'CREDENTIAL_FORMAT_INVALID');
    // 10,000 levels as text (JSON.stringify itself would overflow the stack on them)
    const deepText = JSON.stringify(credential).replace(/}$/, `,"x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    await expectCode(verifyCredentialJwt(await signRaw(header, deepText), ourKey, { now: NOW }), 'CREDENTIAL_FORMAT_INVALID');
    await expectCode(verifyCredentialJwt(await signRaw({ ...header, x: nest(40) }, credential), ourKey, { now: NOW }), 'CREDENTIAL_FORMAT_INVALID');
    const arrays = `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect(() => decodeCredentialJwt(`${b64u(JSON.stringify(header))}.${b64u(arrays)}.`)).toThrow(/nested deeper/);
  });

  it('applies validFrom with ±5 minutes of clock skew', async () => {
    const jws = await signCredential(credential, key); // validFrom 10:00:00Z
    const at = (iso: string) => ({ now: new Date(iso) });
    await expectCode(verifyCredentialJwt(jws, ourKey, at('2026-11-23T09:54:59Z')), 'CREDENTIAL_NOT_YET_VALID');
    await verifyCredentialJwt(jws, ourKey, at('2026-11-23T09:55:00Z'));
    await verifyCredentialJwt(jws, ourKey, at('2026-11-23T09:56:00Z'));
    await expectCode(verifyCredentialJwt(jws, ourKey, { now: new Date('2026-11-23T09:59:59Z'), skewSeconds: 0 }), 'CREDENTIAL_NOT_YET_VALID');
  });

  it('applies validUntil (and a JWT exp) with ±5 minutes of clock skew', async () => {
    const expiring = await signCredential({ ...credential, validUntil: '2027-01-01T00:00:00Z' }, key);
    await verifyCredentialJwt(expiring, ourKey, { now: new Date('2027-01-01T00:04:00Z') });
    await expectCode(verifyCredentialJwt(expiring, ourKey, { now: new Date('2027-01-01T00:05:01Z') }), 'CREDENTIAL_EXPIRED');
    const withExp = await signCredential({ ...credential, exp: Date.parse('2027-01-01T00:00:00Z') / 1000 }, key);
    await expectCode(verifyCredentialJwt(withExp, ourKey, { now: new Date('2027-01-01T00:05:01Z') }), 'CREDENTIAL_EXPIRED');
  });

  it('checks the signature before the validity period, so a forged JWS never reports "not yet valid"', async () => {
    const [h, , s] = (await signCredential(credential, key)).split('.') as [string, string, string];
    const future = b64u(JSON.stringify({ ...credential, validFrom: '2099-01-01T00:00:00Z' }));
    await expectCode(verifyCredentialJwt(`${h}.${future}.${s}`, ourKey, { now: NOW }), 'CREDENTIAL_SIGNATURE_INVALID');
  });
});

function b64uValue(char: string): number {
  return 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(char);
}
function b64uChar(value: number): string {
  return 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[value]!;
}

// w3c/vc-jose-cose-test-suite: the `verify` cases for `vc+jwt` credentials. Out of scope here:
// issue cases 1-5 (P-256/P-384/P-521 keys; we only issue Ed25519), presentation cases 7, 11, 14,
// 16 (vp+jwt), SD-JWT cases 17-26 and COSE cases 27-35.
describe('vc-jose-cose-test-suite: vc+jwt verification cases', () => {
  interface SuiteCase {
    number: number;
    name: string;
    group: string;
    fn: string;
    feature: string;
    input_file: string;
    key_file: string;
    expected_result: 'success' | 'failure';
  }
  const manifest = vectorJson<{ tests: SuiteCase[] }>('vc-jose-cose-test-suite/manifest.json');
  const inScope = manifest.tests.filter((t) => t.group === 'jose' && t.fn === 'verify' && t.feature === 'credential_jose');
  // our verdict for each case, with the reason; only Ed25519 keys are in our profile
  const ourCode: Record<number, CredentialErrorCode | 'verified'> = {
    6: 'CREDENTIAL_ALG_UNSUPPORTED', // ES256: out of profile, we accept EdDSA/Ed25519 only (suite expects success)
    8: 'verified',
    9: 'CREDENTIAL_ALG_UNSUPPORTED', // signed ES512 (the suite's "unknown extensions" are not in its payload)
    10: 'CREDENTIAL_FORMAT_INVALID', // an unsecured JSON credential
    12: 'CREDENTIAL_SIGNATURE_INVALID',
    13: 'CREDENTIAL_TYP_INVALID', // typ bad+typ, cty bad+cty
    15: 'CREDENTIAL_FORMAT_INVALID', // vc and vp claims in the payload
  };

  it('covers every vc+jwt credential verification case of the manifest', () => {
    expect(inScope.map((t) => t.number)).toEqual([6, 8, 9, 10, 12, 13, 15]);
  });

  for (const t of inScope) {
    const outOfProfile = t.key_file !== 'input/vm-ed25519.json';
    it(`${t.name} → ${t.expected_result}${outOfProfile ? ' (out of profile: not Ed25519, we refuse it)' : ''}`, async () => {
      const input = vectorText(`vc-jose-cose-test-suite/${t.input_file}`);
      const vm = vectorJson(`vc-jose-cose-test-suite/${t.key_file}`);
      const getKey = async (kid: string) => (kid === vm.publicKeyJwk.kid ? vm.publicKeyJwk : undefined);
      const verdict = await verifyCredentialJwt(input, getKey, { now: NOW }).then(
        () => 'verified' as const,
        (e: unknown) => (e instanceof CredentialVerificationError ? e.code : Promise.reject(e)),
      );
      expect(verdict).toBe(ourCode[t.number]);
      if (!outOfProfile) expect(verdict === 'verified' ? 'success' : 'failure').toBe(t.expected_result);
    });
  }

  it('issue analogue: a suite credential signed with the suite Ed25519 key verifies here and with jose', async () => {
    const vm = vectorJson('vc-jose-cose-test-suite/input/vm-ed25519.json');
    const suiteKey = await signingKeyFromPrivateJwk(vm.secretKeyJwk);
    expect(suiteKey.kid).toBe(vm.publicKeyJwk.kid); // the suite's kid is the RFC 7638 thumbprint
    const minimal = vectorJson('vc-jose-cose-test-suite/input/credential-minimal.json');
    const jws = await signCredential(minimal, suiteKey);
    const result = await verifyCredentialJwt(jws, async () => vm.publicKeyJwk, { now: NOW });
    expect(result.credential).toEqual(minimal);
    await compactVerify(jws, await importJWK(vm.publicKeyJwk, 'EdDSA'));
  });
});

describe('the header rules (jwsHeaderFindings, the one place they are written)', () => {
  it('lists every rule a header breaks, in the order alg, typ, cty, crit, kid', () => {
    const findings = jwsHeaderFindings({ alg: 'none', typ: 'JWT', cty: 'vp', crit: ['exp'], kid: '' });
    expect(findings.map((f) => [f.member, f.code])).toEqual([
      ['alg', 'CREDENTIAL_ALG_UNSUPPORTED'],
      ['typ', 'CREDENTIAL_TYP_INVALID'],
      ['cty', 'CREDENTIAL_TYP_INVALID'],
      ['crit', 'CREDENTIAL_FORMAT_INVALID'],
      ['kid', 'CREDENTIAL_KEY_UNKNOWN'],
    ]);
    expect(jwsHeaderFindings({ alg: 'Ed25519', typ: 'application/VC+JWT', kid: 'k1' })).toEqual([]);
    expect(jwsHeaderFindings({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'application/vc', kid: 'k1' })).toEqual([]);
    expect(jwsHeaderFindings({ alg: 'EdDSA', typ: 'vc+jwt', kid: 7 }).map((f) => f.member)).toEqual(['kid']);
  });

  it('never lets b64:false take effect: without crit it is ignored (RFC 7797 §6), with crit the token is refused', async () => {
    const header = { alg: 'EdDSA', typ: 'vc+jwt', kid: key.kid, b64: false };
    // signed the ordinary way (over the base64url payload): verifies, b64 ignored
    await verifyCredentialJwt(await signRaw(header, credential), ourKey, { now: NOW });
    // signed over the unencoded payload, as b64:false would mean: its signature does not verify
    const h = b64u(JSON.stringify(header));
    const p = b64u(JSON.stringify(credential));
    const { kty, crv, x, d } = key.privateJwk;
    const signer = await crypto.subtle.importKey('jwk', { kty, crv, x, d }, 'Ed25519', false, ['sign']);
    const unencoded = b64u(new Uint8Array(await crypto.subtle.sign('Ed25519', signer, utf8(`${h}.${JSON.stringify(credential)}`))));
    await expectCode(verifyCredentialJwt(`${h}.${p}.${unencoded}`, ourKey, { now: NOW }), 'CREDENTIAL_SIGNATURE_INVALID');
    await expectCode(verifyCredentialJwt(await signRaw({ ...header, crit: ['b64'] }, credential), ourKey, { now: NOW }), 'CREDENTIAL_FORMAT_INVALID');
  });
});
