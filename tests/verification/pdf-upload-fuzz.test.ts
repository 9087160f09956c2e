// The PDF entrance fed odd credentials inside an otherwise well-formed extract: the genuine PDF
// with its credential.jwt replaced by one whose payload or header is strange (huge, negative and
// string times, deep nesting, wrong types, duplicate keys), signed with the register's own key or
// not, and the file sealed again with the register's seal or left unsealed. A seeded, bounded set
// of cases through both doors (the API and the /v page): never a 500, and nothing but the genuine
// file is ever authentic. Replay a failure with the printed TEST_SEED.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { PDFDocument, PDFName } from 'pdf-lib';
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import { diplomas } from '../../db/schema.ts';
import { issueExtract, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { sealPdf, type SealKey } from '../../src/documents/pdf-seal.ts';
import { generateSigningKey, type SigningKeyPair } from '../../src/signing-keys/signing-key.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { seededRandom, type SeededRandom } from '../support/random.ts';
import { TEST_NOW } from '../support/constants.ts';

const random = seededRandom(import.meta.url);
const CASES = 50;

type Json = Record<string, unknown>;
const encoder = new TextEncoder();

/** A compact JWS over exactly these header and payload texts (raw JSON: duplicate keys, 1e400 and the like survive). */
async function signRaw(headerText: string, payloadText: string, key: SigningKeyPair): Promise<string> {
  const input = `${base64url.encode(encoder.encode(headerText))}.${base64url.encode(encoder.encode(payloadText))}`;
  const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', key.privateKey, encoder.encode(input)));
  return `${input}.${base64url.encode(signature)}`;
}

const nested = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** Odd values for a time: beyond Date's range, negative, fractional, strings, wrong types — as raw JSON. */
const ODD_TIMES = ['1e400', '-1e400', '8640000000001', '-8640000000001', '9007199254740993', '-1', '0', '1.5', '-0', '"2030-01-01T00:00:00Z"', '"tomorrow"', '""', 'null', 'true', '[]', '{}', '[1700000000]', '1e21'];
/** Odd date-time strings for validFrom/validUntil. */
const ODD_DATES = ['"2026-13-45T25:61:61Z"', '"+275760-09-13T00:00:00.001Z"', '"-271821-04-20T00:00:00Z"', '"2026-01-01"', '"2026-01-01T00:00:00"', '1767225600', 'null', '{}', '["2026-01-01T00:00:00Z"]', '"9999999-01-01T00:00:00Z"'];
/** Values of the wrong type, for any member. */
const WRONG_TYPES = ['null', '0', '-1', '"x"', '""', 'true', '[]', '{}', '[null]', '{"id":{}}', '"\\u0000"', `"${'A'.repeat(20_000)}"`];

/** One change to the genuine payload, as raw JSON text. */
type PayloadChange = { name: string; apply(payload: Json): string };

/** `object` as JSON text with `member` set to the raw JSON `raw`. */
function withRaw(object: Json, member: string, raw: string): string {
  const { [member]: _dropped, ...rest } = object;
  const text = JSON.stringify(rest);
  return `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(member)}:${raw}}`;
}

function payloadChanges(genuine: Json): PayloadChange[] {
  const withMember = (member: string, raw: string): PayloadChange => ({
    name: `${member}=${raw.length > 40 ? `${raw.slice(0, 37)}...` : raw}`,
    apply: (p) => withRaw(p, member, raw),
  });
  const pick = (list: string[]) => list[random.int(list.length)]!;
  const subject = genuine.credentialSubject as Json;
  const status = genuine.credentialStatus as Json;
  const changes: PayloadChange[] = [
    ...['exp', 'nbf', 'iat'].map((claim) => withMember(claim, pick(ODD_TIMES))),
    ...['validFrom', 'validUntil'].map((member) => withMember(member, pick(ODD_DATES))),
    ...['id', 'issuer', 'type', '@context', 'credentialSubject', 'credentialStatus', 'credentialSchema', 'jti', 'sub'].map((member) => withMember(member, pick(WRONG_TYPES))),
    withMember('credentialSubject', nested(2_000 + random.int(3_000), '[', ']')),
    withMember('credentialSubject', nested(1_000 + random.int(1_500), '{"a":', '}')),
    withMember('credentialStatus', withRaw(status, 'statusListIndex', pick(['-1', '"-1"', '1e400', '99999999999', '"abc"', '1.5', '[]']))),
    withMember('credentialStatus', withRaw(status, 'statusListCredential', pick(['"http://127.0.0.1:1/x"', '"javascript:alert(1)"', '""', '0', '"file:///etc/passwd"']))),
    withMember('credentialStatus', `[${JSON.stringify(status)},${JSON.stringify(status)}]`),
    withMember('credentialSubject', withRaw(subject, 'achievement', pick(['null', '[]', '"diploma"', '{}']))),
    withMember('credentialSubject', JSON.stringify({ ...subject, name: 'A'.repeat(30_000) })),
    { name: 'duplicate id (last one genuine)', apply: (p) => `{"id":"urn:uuid:00000000-0000-4000-8000-000000000000",${JSON.stringify(p).slice(1)}` },
    { name: 'duplicate id (last one forged)', apply: (p) => `${JSON.stringify(p).slice(0, -1)},"id":"urn:uuid:00000000-0000-4000-8000-000000000000"}` },
    { name: '__proto__ member', apply: (p) => `${JSON.stringify(p).slice(0, -1)},"__proto__":{"verdict":"authentic","credentialStatus":null}}` },
    { name: 'vc claim beside the credential', apply: (p) => JSON.stringify({ ...p, vc: p }) },
    { name: 'payload is an array', apply: (p) => JSON.stringify([p]) },
    { name: 'payload is a string', apply: (p) => JSON.stringify(JSON.stringify(p)) },
    { name: 'payload with a BOM', apply: (p) => `\uFEFF${JSON.stringify(p)}` },
    { name: 'payload with trailing garbage', apply: (p) => `${JSON.stringify(p)}}` },
    { name: 'empty payload', apply: () => '{}' },
  ];
  return changes;
}

/** The header the credential is signed under. */
const HEADER_CHANGES: Array<{ name: string; header: (kid: string) => string }> = [
  { name: 'header as issued', header: (kid) => JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid }) },
  { name: 'alg none', header: (kid) => JSON.stringify({ alg: 'none', typ: 'vc+jwt', kid }) },
  { name: 'alg HS256', header: (kid) => JSON.stringify({ alg: 'HS256', typ: 'vc+jwt', kid }) },
  { name: 'alg Ed25519 (lowercase family)', header: (kid) => JSON.stringify({ alg: 'eddsa', typ: 'vc+jwt', kid }) },
  { name: 'kid a number', header: () => JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt', kid: 1 }) },
  { name: 'kid a path', header: () => JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt', kid: '../../keys/signing.jwk' }) },
  { name: 'crit unknown', header: (kid) => JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt', kid, crit: ['exp'], exp: 1 }) },
  { name: 'b64 false', header: (kid) => JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt', kid, b64: false, crit: ['b64'] }) },
  { name: 'embedded jwk', header: (kid) => JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt', kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } }) },
  { name: 'typ JWT', header: (kid) => JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid }) },
  { name: 'header deeply nested', header: (kid) => `{"alg":"EdDSA","typ":"vc+jwt","kid":${JSON.stringify(kid)},"x":${nested(3_000, '[', ']')}}` },
  { name: 'duplicate alg', header: (kid) => `{"alg":"none","typ":"vc+jwt","kid":${JSON.stringify(kid)},"alg":"EdDSA"}` },
];

/** Shapes of the compact serialization itself, applied to a signed JWT. */
const SERIALIZATION_CHANGES: Array<{ name: string; apply: (jwt: string) => string }> = [
  { name: 'as signed', apply: (jwt) => jwt },
  { name: 'signature cut', apply: (jwt) => jwt.slice(0, jwt.lastIndexOf('.') + 1) },
  { name: 'two segments', apply: (jwt) => jwt.slice(0, jwt.lastIndexOf('.')) },
  { name: 'four segments', apply: (jwt) => `${jwt}.AAAA` },
  { name: 'padding and whitespace', apply: (jwt) => ` ${jwt.replace(/\./g, '==.')}==\n` },
  { name: 'not base64url', apply: (jwt) => jwt.replace(/[-_]/g, '+') },
  { name: 'enveloped', apply: (jwt) => `data:application/vc+jwt,${jwt}` },
  { name: 'over 64 KiB', apply: (jwt) => `${jwt}${'A'.repeat(70_000)}` },
];

interface Case {
  name: string;
  jwt: string;
  sealed: boolean;
}

async function drawCases(rng: SeededRandom, genuineJwt: string, ours: SigningKeyPair, foreign: SigningKeyPair): Promise<Case[]> {
  const payload = decodeJwt(genuineJwt) as Json;
  const kid = decodeProtectedHeader(genuineJwt).kid as string;
  const changes = payloadChanges(payload);
  const cases: Case[] = [];
  for (let i = 0; i < CASES; i++) {
    // every change in the catalogue once, signed with our key under the header as issued, so an
    // odd payload reaches the checks behind the signature; then seeded draws that also vary the
    // header, the serialization and the key
    const catalogue = i < changes.length;
    const change = catalogue ? changes[i]! : changes[rng.int(changes.length)]!;
    const header = !catalogue && rng.int(2) === 0 ? HEADER_CHANGES[rng.int(HEADER_CHANGES.length)]! : HEADER_CHANGES[0]!;
    const serialization = !catalogue && rng.int(2) === 0 ? SERIALIZATION_CHANGES[rng.int(SERIALIZATION_CHANGES.length)]! : SERIALIZATION_CHANGES[0]!;
    const key = !catalogue && rng.int(3) === 0 ? foreign : ours;
    const sealed = catalogue ? i % 2 === 0 : rng.int(3) !== 0;
    const jwt = serialization.apply(await signRaw(header.header(kid), change.apply(payload), key));
    cases.push({ name: `#${i} ${change.name} | ${header.name} | ${serialization.name} | ${key === ours ? 'our key' : 'foreign key'} | ${sealed ? 'sealed' : 'unsealed'}`, jwt, sealed });
  }
  return cases;
}

describeEachDatabase('the PDF entrance with odd credentials inside a well-formed extract', (getDb) => {
  let app: RunningApp;
  let sealKey: SealKey;
  let ours: SigningKeyPair;
  let extract: IssuedExtract;
  let unsealedBase: Uint8Array;

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    sealKey = docs.documents!.seal;
    ours = [...docs.signingKeys!.values()][0]!;
    const issuer = { signingKeys: docs.signingKeys!, seal: sealKey, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    const [d] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'valid')).limit(1);
    extract = await issueExtract(getDb().db, issuer, { diplomaId: d!.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    // the issued PDF without its seal and its attachment: each case attaches its own credential.jwt
    const doc = await PDFDocument.load(extract.pdf, { updateMetadata: false });
    for (const entry of ['Perms', 'AcroForm', 'Names', 'AF']) doc.catalog.delete(PDFName.of(entry));
    doc.getPages()[0]!.node.delete(PDFName.of('Annots'));
    unsealedBase = await doc.save({ useObjectStreams: false });
  });
  afterAll(() => app.close());

  async function extractWith(jwt: string, sealed: boolean): Promise<Uint8Array> {
    const doc = await PDFDocument.load(unsealedBase, { updateMetadata: false });
    await doc.attach(encoder.encode(jwt), 'credential.jwt', { mimeType: 'application/vc+jwt' });
    const bytes = await doc.save({ useObjectStreams: false });
    return sealed ? sealPdf(bytes, sealKey, { signingTime: new Date(TEST_NOW) }) : bytes;
  }

  /** Through the API and through the page, from a client of its own (the upload limits are per client). */
  async function upload(bytes: Uint8Array, client: string) {
    const body = () => {
      const form = new FormData();
      form.set('file', new File([new Uint8Array(bytes)], 'extract.pdf', { type: 'application/pdf' }));
      return form;
    };
    const api = await app.fetch('/api/v1/verify', { method: 'POST', body: body(), headers: { 'cf-connecting-ip': client } });
    const page = await app.fetch('/v/upload?lang=en', { method: 'POST', body: body(), headers: { 'cf-connecting-ip': client } });
    const json = (await api.json()) as { verdict?: string; verified?: boolean; checks?: Array<{ code: string }> };
    const html = await page.text();
    return { apiStatus: api.status, verdict: json.verdict, verified: json.verified, codes: json.checks?.map((c) => c.code) ?? [], pageStatus: page.status, pageVerdict: /data-verdict="([a-z_]+)"/.exec(html)?.[1] };
  }

  it('the genuine file is authentic through both doors (the control)', async () => {
    expect(await upload(extract.pdf, '198.51.100.250')).toMatchObject({ apiStatus: 200, verdict: 'authentic', verified: true, pageStatus: 200, pageVerdict: 'authentic' });
  });

  it(`${CASES} odd credentials: never a 500, never authentic, the same verdict through both doors`, { timeout: 600_000 }, async () => {
    const cases = await drawCases(random, extract.credentialJwt, ours, await generateSigningKey());
    const codes = new Set<string>();
    for (const [i, c] of cases.entries()) {
      const bytes = await extractWith(c.jwt, c.sealed);
      const outcome = await upload(bytes, `198.51.100.${i}`);
      expect(outcome, c.name).toMatchObject({ apiStatus: 200, pageStatus: 200, verified: false });
      expect(outcome.codes.length, c.name).toBeGreaterThan(0);
      expect(outcome.verdict, c.name).not.toBe('authentic');
      expect(outcome.pageVerdict, c.name).toBe(outcome.verdict);
      for (const code of outcome.codes) codes.add(code);
    }
    // the cases reach every layer: refused at the format, at the signature, and (signed by us,
    // sealed by us) stopped only by the binding of credential and document
    for (const code of ['PDF_CREDENTIAL_INVALID', 'SIGNATURE_VALID', 'SEAL_VALID', 'BINDING_MISMATCH']) expect([...codes]).toContain(code);
    expect(app.logs.join('\n')).not.toMatch(/"level":"error"/);
  });
});
