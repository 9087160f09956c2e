// The public verifier's attack corpus (issue "Public verifier", point 5): forged, altered and
// hostile input against both entrances over real HTTP, on every database. Each attack must get
// the right verdict AND the right failing check, and never a 500. Then the W3C VC-JOSE-COSE
// suite's inputs through the same endpoint, and nothing personal in the logs.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNotNull, ne } from 'drizzle-orm';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString } from 'pdf-lib';
import { diplomas, extracts, holders } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { withdrawExtract } from '../../src/extracts/extract-status.ts';
import { setStatusBit } from '../../src/extracts/status-store.ts';
import { generateSigningKey, type SigningKeyPair } from '../../src/signing-keys/signing-key.ts';
import { sealPdfDocument, type SealKey } from '../../src/documents/pdf-seal.ts';
import { describeEachDatabase, type FreshDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

// ---------------------------------------------------------------------------------------------
// JWS by hand: the attacks need headers and signatures no library would produce.

type Json = Record<string, unknown>;
const b64u = (data: string | Uint8Array) => Buffer.from(data).toString('base64url');
const encode = (value: unknown) => b64u(JSON.stringify(value));

function decodeJwt(jwt: string): { header: Json; payload: Json; h: string; p: string; s: string } {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()), h, p, s };
}

async function ed25519Jws(header: Json, payload: Json | string, privateJwk: JsonWebKey): Promise<string> {
  const key = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: privateJwk.x, d: privateJwk.d }, { name: 'Ed25519' }, false, ['sign']);
  const input = `${encode(header)}.${typeof payload === 'string' ? payload : encode(payload)}`;
  return `${input}.${b64u(new Uint8Array(await crypto.subtle.sign('Ed25519', key, new TextEncoder().encode(input))))}`;
}

async function hs256Jws(header: Json, payload: Json, secret: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${b64u(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input))))}`;
}

/** a deterministic byte stream (xorshift32), so a failing random input can be reproduced */
function seededBytes(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

// ---------------------------------------------------------------------------------------------
// PDF surgery on a real extract

/** the extract's credential.jwt attachment: the file specification and the stream it points at */
function credentialAttachment(doc: PDFDocument): { spec: PDFDict; streamRef: PDFRef } {
  const names = doc.catalog.lookup(PDFName.of('Names'), PDFDict).lookup(PDFName.of('EmbeddedFiles'), PDFDict).lookup(PDFName.of('Names'), PDFArray);
  for (let i = 0; i + 1 < names.size(); i += 2) {
    const name = names.lookup(i);
    if (!(name instanceof PDFString || name instanceof PDFHexString) || name.decodeText() !== 'credential.jwt') continue;
    const spec = names.lookup(i + 1, PDFDict);
    const streamRef = spec.lookup(PDFName.of('EF'), PDFDict).get(PDFName.of('F'));
    if (streamRef instanceof PDFRef) return { spec, streamRef };
  }
  throw new Error('the extract has no credential.jwt attachment');
}

function embeddedFile(doc: PDFDocument, jwt: string) {
  const bytes = new TextEncoder().encode(jwt);
  return doc.context.flateStream(bytes, { Type: 'EmbeddedFile', Subtype: 'application/vc+jwt', Params: { Size: bytes.length } });
}

/** extract `pdf` with its credential.jwt replaced by `jwt`, saved again by pdf-lib (the old seal stays) */
async function swapAttachmentAndResave(pdf: Uint8Array, jwt: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  doc.context.assign(credentialAttachment(doc).streamRef, embeddedFile(doc, jwt));
  return doc.save({ useObjectStreams: false });
}

/** extract `pdf` with `jwt` attached as a second credential.jwt, saved again by pdf-lib */
async function addAttachmentAndResave(pdf: Uint8Array, jwt: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  await doc.attach(new TextEncoder().encode(jwt), 'credential.jwt', { mimeType: 'application/vc+jwt' });
  return doc.save({ useObjectStreams: false });
}

/**
 * Extract `pdf` with its credential.jwt replaced by `jwt` and the old seal removed, then sealed
 * anew with our own seal key: a seal that is fine on a document whose credential is someone else's
 * (what a leaked seal key, or a bug in issuing, would produce).
 */
async function swapAttachmentAndReseal(pdf: Uint8Array, jwt: string, seal: SealKey): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  doc.context.assign(credentialAttachment(doc).streamRef, embeddedFile(doc, jwt));
  const perms = doc.catalog.lookup(PDFName.of('Perms'), PDFDict);
  const oldSignature = perms.get(PDFName.of('DocMDP'));
  doc.catalog.delete(PDFName.of('Perms'));
  doc.catalog.delete(PDFName.of('AcroForm'));
  for (const page of doc.getPages()) page.node.delete(PDFName.of('Annots'));
  if (oldSignature instanceof PDFRef) doc.context.delete(oldSignature);
  return sealPdfDocument(doc, seal, { signingTime: new Date(TEST_NOW), reason: 'Uittreksel diplomaregister', location: 'NL' });
}

/**
 * Extract `pdf` with an incremental update appended that redefines its credential.jwt stream as
 * `jwt`: every byte the seal signed is still there, and a PDF reader shows the new attachment.
 */
async function swapAttachmentByIncrementalUpdate(pdf: Uint8Array, jwt: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const { streamRef } = credentialAttachment(doc);
  const root = doc.context.trailerInfo.Root as PDFRef;
  const text = Buffer.from(pdf).toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  const objectAt = pdf.length + 1;
  const object = `\n${streamRef.objectNumber} 0 obj\n<< /Type /EmbeddedFile /Subtype /application#2Fvc+jwt /Length ${jwt.length} >>\nstream\n${jwt}\nendstream\nendobj\n`;
  const xrefAt = pdf.length + object.length;
  const tail =
    `xref\n0 1\n0000000000 65535 f \n${streamRef.objectNumber} 1\n${String(objectAt).padStart(10, '0')} 00000 n \n` +
    `trailer\n<< /Size ${doc.context.largestObjectNumber + 1} /Root ${root.objectNumber} ${root.generationNumber} R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([Buffer.from(pdf), Buffer.from(object + tail, 'latin1')]));
}

/** the attachments poppler (an independent reader) finds, by name, with their text */
function attachedByPoppler(pdf: Uint8Array): Array<[string, string]> {
  const dir = mkdtempSync(join(tmpdir(), 'attack-pdf-'));
  const file = join(dir, 'in.pdf');
  writeFileSync(file, pdf);
  const quiet = { stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
  try {
    const list = execFileSync('pdfdetach', ['-list', file], quiet).toString().split('\n').slice(1).filter(Boolean);
    return list.map((line, i) => {
      const out = join(dir, `${i + 1}.out`);
      execFileSync('pdfdetach', ['-save', String(i + 1), '-o', out, file], quiet);
      return [line.replace(/^\d+: /, ''), readFileSync(out, 'utf8').trim()];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A POST over node:http: for bodies the server refuses before reading them all, on a connection of
 * their own (`agent: false`) unless a keep-alive agent is given, so they cannot upset fetch's pool.
 */
function rawPost(base: string, path: string, body: Uint8Array | string, headers: Record<string, string>, agent: http.Agent | false = false): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function multipart(bytes: Uint8Array, name = 'big.pdf'): { body: Buffer; type: string } {
  const boundary = `----attack${crypto.randomUUID()}`;
  const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${name}"\r\ncontent-type: application/pdf\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
}

// ---------------------------------------------------------------------------------------------
// The answers

interface CheckView {
  id: string;
  status: string;
  code: string;
  message: { nl: string; en: string };
  details?: Json;
}
interface VerifyAnswer {
  verified: boolean;
  verdict: string;
  verdictLabel: { nl: string; en: string };
  checks: CheckView[];
  credential?: Json;
  file?: { sha256: string };
}

/** the failed checks as `id:code`, in pipeline order: what an attack must be caught by */
const failures = (r: VerifyAnswer) => r.checks.filter((c) => c.status === 'failed').map((c) => `${c.id}:${c.code}`);
const sealOf = (r: VerifyAnswer) => r.checks.find((c) => c.id === 'signature' && c.details?.seal === true);

/** Both languages and the credential itself: the corpus checks every text and what is echoed. */
const EVERYTHING = 'lang=all&include=credential';

/**
 * The verdict and checks of an answer. `/api/v1/verify` answers every verdict with 200; the VC-API
 * (`vcApi`) only a verified credential, and anything else with a 400 problem carrying the same.
 */
async function answer(res: Response, vcApi = false): Promise<VerifyAnswer> {
  const text = await res.clone().text();
  expect(res.status, text).not.toBeGreaterThanOrEqual(500);
  const body = (await res.json()) as VerifyAnswer & { code?: string; status?: number; type?: string; requestId?: string };
  if (vcApi && body.verdict !== 'authentic') {
    expect([res.status, res.headers.get('content-type')], text).toEqual([400, 'application/problem+json']);
    expect(body).toMatchObject({ code: 'CREDENTIAL_NOT_VERIFIED', status: 400, type: 'http://register.test/docs#problem-CREDENTIAL_NOT_VERIFIED' });
    expect(body.requestId).toMatch(/\S/);
  } else {
    expect(res.status, text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  }
  expect(body.verified).toBe(body.verdict === 'authentic');
  for (const c of body.checks) expect(c.message.nl.length * c.message.en.length, `${c.id}:${c.code} has text`).toBeGreaterThan(0);
  return body;
}

async function problem(res: Response, status: number): Promise<{ code: string; [k: string]: unknown }> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return res.json();
}

/**
 * Each request of the corpus comes from a client of its own: the attacks are about verdicts, and
 * the per-client rate limits (tests/verifier/letters-limit.test.ts and the like) would otherwise cut them short.
 */
let clients = 0;
const freshClient = () => ({ 'cf-connecting-ip': `198.18.${(++clients >> 8) & 255}.${clients & 255}` });

const qrParts = (e: IssuedExtract) => {
  const u = new URL(e.verifyUrl);
  return { number: u.pathname.split('/').pop()!, secret: u.hash.slice(1) };
};

interface Setup {
  db: FreshDatabase;
  app: RunningApp;
  issuer: ExtractIssuer;
  key: SigningKeyPair;
  /** everything that must never reach a log line */
  secrets: Set<string>;
  issue(diplomaId: string): Promise<IssuedExtract>;
}

async function setUp(db: FreshDatabase): Promise<Setup> {
  const docs = await testDocumentDeps();
  const app = await startApp(db, docs);
  const issuer: ExtractIssuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
  const key = [...docs.signingKeys!.values()][0]!;
  const secrets = new Set<string>();
  const issue = async (diplomaId: string) => {
    const e = await issueExtract(db.db, issuer, { diplomaId, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    const { number, secret } = qrParts(e);
    for (const value of [number, e.number, secret, e.credentialJwt]) secrets.add(value);
    const [h] = await db.db
      .select({ given: holders.givenNames, prefix: holders.prefix, familyName: holders.familyName })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(diplomas.id, diplomaId));
    secrets.add([h!.given, h!.prefix, h!.familyName].filter(Boolean).join(' '));
    secrets.add(h!.familyName);
    return e;
  };
  return { db, app, issuer, key, secrets, issue };
}

function expectCleanLogs(s: Setup) {
  const logs = s.app.logs.join('\n');
  expect(s.app.logs.length).toBeGreaterThan(0);
  for (const secret of s.secrets) expect(logs, 'a log line carries personal data or a secret').not.toContain(secret);
  expect(logs).not.toContain('unhandled_error');
  expect(logs).not.toMatch(/"status":5\d\d/);
}

// ---------------------------------------------------------------------------------------------

describeEachDatabase('verifier attacks', (getDb) => {
  let s: Setup;
  /** A: the holder whose extract is attacked; B: another holder (the "genuine credential, wrong document" attacks) */
  let a: IssuedExtract;
  let b: IssuedExtract;
  let aPayload: Json;
  let aHeader: Json;
  let attacker: SigningKeyPair;

  const verify = (body: unknown) => s.app.fetch(`/credentials/verify?${EVERYTHING}`, { method: 'POST', headers: { 'content-type': 'application/json', ...freshClient() }, body: JSON.stringify(body) });
  const verifyJwt = async (jwt: string) => answer(await verify({ verifiableCredential: jwt }), true);
  const enveloped = async (jwt: string) => answer(await verify({ verifiableCredential: { type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt}` } }), true);
  const upload = (bytes: Uint8Array, name = 'extract.pdf', type = 'application/pdf') => {
    const body = new FormData();
    body.set('file', new File([new Uint8Array(bytes)], name, { type }));
    return s.app.fetch(`/api/v1/verify?${EVERYTHING}`, { method: 'POST', body, headers: freshClient() });
  };
  /** our key signs whatever it is given: attacks on everything but the signature */
  const ourSigned = (payload: Json, header: Json = aHeader) => ed25519Jws(header, payload, s.key.privateJwk);
  const at = (offsetMs: number) => new Date(Date.parse(TEST_NOW) + offsetMs).toISOString().replace('.000Z', 'Z');

  beforeAll(async () => {
    s = await setUp(getDb());
    const valid = await getDb().db.select({ id: diplomas.id, holderId: diplomas.holderId }).from(diplomas).where(eq(diplomas.state, 'valid')).limit(50);
    const first = valid[0]!;
    const other = valid.find((d) => d.holderId !== first.holderId)!;
    a = await s.issue(first.id);
    b = await s.issue(other.id);
    ({ header: aHeader, payload: aPayload } = decodeJwt(a.credentialJwt));
    attacker = await generateSigningKey();
  });
  afterAll(() => s.app.close());

  it('controls: the genuine extracts are authentic through every entrance', async () => {
    expect(failures(await verifyJwt(a.credentialJwt))).toEqual([]);
    expect((await verifyJwt(b.credentialJwt)).verdict).toBe('authentic');
    expect((await enveloped(a.credentialJwt)).verdict).toBe('authentic');
    expect((await answer(await upload(a.pdf))).verdict).toBe('authentic');
    expect(aHeader).toEqual({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: s.key.kid });
    // and our own signer (the helper the attacks use) makes credentials the verifier accepts
    expect((await verifyJwt(await ourSigned(aPayload))).verdict).toBe('authentic');
  });

  // -------------------------------------------------------------------------------------------
  // The vc+jwt entrance: [attack, forged credential, verdict, failed checks (id:code)]

  type Forgery = () => Promise<string>;
  const withHeader = (patch: Json): Forgery => async () => ourSigned(aPayload, { ...aHeader, ...patch });
  const withoutHeader = (member: string): Forgery => async () => {
    const { [member]: _dropped, ...rest } = aHeader;
    return ourSigned(aPayload, rest);
  };
  const editedUnsigned = (edit: (p: Json) => void): Forgery => async () => {
    const { h, s: sig } = decodeJwt(a.credentialJwt);
    const p = structuredClone(aPayload);
    edit(p);
    return `${h}.${encode(p)}.${sig}`;
  };
  const resigned = (edit: (p: Json) => void): Forgery => async () => {
    const p = structuredClone(aPayload);
    edit(p);
    return ourSigned(p);
  };
  const subject = (p: Json) => p.credentialSubject as Json & { achievement: { awardedBy: { awardingDate: string } } };
  const statusEntries = (p: Json) => p.credentialStatus as Array<Json>;

  const jwtAttacks: Array<[string, string, string[], Forgery]> = [
    ['alg none, no signature', 'not_authentic', ['signature:SIGNATURE_ALG_UNSUPPORTED'], async () => `${encode({ ...aHeader, alg: 'none' })}.${decodeJwt(a.credentialJwt).p}.`],
    ['alg none, the genuine signature kept', 'not_authentic', ['signature:SIGNATURE_ALG_UNSUPPORTED'], async () => { const { p, s: sig } = decodeJwt(a.credentialJwt); return `${encode({ ...aHeader, alg: 'none' })}.${p}.${sig}`; }],
    ['alg "None" with a changed name', 'not_authentic', ['signature:SIGNATURE_ALG_UNSUPPORTED'], async () => `${encode({ ...aHeader, alg: 'None' })}.${encode({ ...aPayload, credentialSubject: { ...subject(aPayload), familyName: 'Vervalst' } })}.`],
    ['HS256 keyed with our public x (as text)', 'not_authentic', ['signature:SIGNATURE_ALG_UNSUPPORTED'], async () => hs256Jws({ ...aHeader, alg: 'HS256' }, aPayload, new TextEncoder().encode(s.key.publicJwk.x))],
    ['HS256 keyed with our public x (its bytes)', 'not_authentic', ['signature:SIGNATURE_ALG_UNSUPPORTED'], async () => hs256Jws({ ...aHeader, alg: 'HS256' }, aPayload, Buffer.from(s.key.publicJwk.x, 'base64url'))],
    ['HS256 keyed with our whole public JWK (JSON)', 'not_authentic', ['signature:SIGNATURE_ALG_UNSUPPORTED'], async () => hs256Jws({ ...aHeader, alg: 'HS256' }, aPayload, new TextEncoder().encode(JSON.stringify(s.key.publicJwk)))],
    ['HS256 keyed with the JWKS JSON as served', 'not_authentic', ['signature:SIGNATURE_ALG_UNSUPPORTED'], async () => hs256Jws({ ...aHeader, alg: 'HS256' }, aPayload, new Uint8Array(await (await s.app.fetch('/.well-known/jwks.json')).arrayBuffer()))],
    ['unknown kid: the attacker’s own Ed25519 key and kid', 'not_authentic', ['issuer:KEY_UNKNOWN'], async () => ed25519Jws({ ...aHeader, kid: attacker.kid }, aPayload, attacker.privateJwk)],
    ['no kid at all, attacker-signed', 'not_authentic', ['issuer:KEY_UNKNOWN'], async () => { const { kid: _kid, ...h } = aHeader; return ed25519Jws(h, aPayload, attacker.privateJwk); }],
    ['the attacker’s key posing under our kid', 'not_authentic', ['signature:SIGNATURE_INVALID'], async () => ed25519Jws(aHeader, aPayload, attacker.privateJwk)],
    ['the attacker’s key under our kid, with its public key embedded (jwk header)', 'not_authentic', ['signature:SIGNATURE_INVALID'], async () => ed25519Jws({ ...aHeader, jwk: attacker.publicJwk }, aPayload, attacker.privateJwk)],
    ['the attacker’s key under our kid, with a jku pointing at the attacker', 'not_authentic', ['signature:SIGNATURE_INVALID'], async () => ed25519Jws({ ...aHeader, jku: 'http://127.0.0.1:1/jwks.json' }, aPayload, attacker.privateJwk)],
    ['changed payload: the holder’s name', 'not_authentic', ['signature:SIGNATURE_INVALID'], editedUnsigned((p) => Object.assign(subject(p), { familyName: 'Vervalst', name: 'Jan Vervalst' }))],
    ['changed payload: the award date', 'not_authentic', ['signature:SIGNATURE_INVALID'], editedUnsigned((p) => void (subject(p).achievement.awardedBy.awardingDate = '1999-07-01'))],
    ['changed payload: the issuer', 'not_authentic', ['signature:SIGNATURE_INVALID'], editedUnsigned((p) => void (p.issuer = 'did:web:evil.example'))],
    ['changed payload: validFrom far in the future (not re-signed)', 'not_authentic', ['signature:SIGNATURE_INVALID'], editedUnsigned((p) => void (p.validFrom = '2099-01-01T00:00:00Z'))],
    ['changed header (typ spelled differently), signature kept', 'not_authentic', ['signature:SIGNATURE_INVALID'], async () => { const { p, s: sig } = decodeJwt(a.credentialJwt); return `${encode({ ...aHeader, typ: 'application/vc+jwt' })}.${p}.${sig}`; }],
    ['another issuer, signed with our key', 'not_authentic', ['issuer:ISSUER_MISMATCH'], resigned((p) => void (p.issuer = 'did:web:evil.example'))],
    ['signature truncated by one character', 'not_authentic', ['signature:SIGNATURE_INVALID'], async () => a.credentialJwt.slice(0, -1)],
    ['signature truncated to half', 'not_authentic', ['signature:SIGNATURE_INVALID'], async () => { const { h, p, s: sig } = decodeJwt(a.credentialJwt); return `${h}.${p}.${sig.slice(0, 43)}`; }],
    ['signature empty', 'not_authentic', ['signature:SIGNATURE_INVALID'], async () => { const { h, p } = decodeJwt(a.credentialJwt); return `${h}.${p}.`; }],
    ['signature with one more byte', 'not_authentic', ['signature:SIGNATURE_INVALID'], async () => { const { h, p, s: sig } = decodeJwt(a.credentialJwt); return `${h}.${p}.${b64u(Buffer.concat([Buffer.from(sig, 'base64url'), Buffer.from([0])]))}`; }],
    ['signature re-encoded as base64 with padding', 'not_authentic', ['format:FORMAT_INVALID'], async () => { const { h, p, s: sig } = decodeJwt(a.credentialJwt); return `${h}.${p}.${Buffer.from(sig, 'base64url').toString('base64')}`; }],
    ['signature re-encoded as base64url with padding', 'not_authentic', ['format:FORMAT_INVALID'], async () => `${a.credentialJwt}==`],
    ['signature in non-canonical base64url (unused bits set)', 'not_authentic', ['signature:SIGNATURE_INVALID'], async () => {
      const { h, p, s: sig } = decodeJwt(a.credentialJwt);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(sig.at(-1)!);
      const forged = `${h}.${p}.${sig.slice(0, -1)}${alphabet[last ^ 0b0001]}`;
      expect(Buffer.from(forged.split('.')[2]!, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true); // the same 64 bytes
      return forged;
    }],
    ['typ JWT', 'not_authentic', ['format:FORMAT_HEADER_INVALID'], withHeader({ typ: 'JWT' })],
    ['typ vc+ld+json', 'not_authentic', ['format:FORMAT_HEADER_INVALID'], withHeader({ typ: 'vc+ld+json' })],
    ['typ vc+sd-jwt', 'not_authentic', ['format:FORMAT_HEADER_INVALID'], withHeader({ typ: 'vc+sd-jwt' })],
    ['typ missing', 'not_authentic', ['format:FORMAT_HEADER_INVALID'], withoutHeader('typ')],
    ['typ not a string', 'not_authentic', ['format:FORMAT_HEADER_INVALID'], withHeader({ typ: ['vc+jwt'] })],
    ['cty vp', 'not_authentic', ['format:FORMAT_HEADER_INVALID'], withHeader({ cty: 'vp' })],
    ['crit naming an extension', 'not_authentic', ['format:FORMAT_HEADER_INVALID'], withHeader({ crit: ['urn:example:must-understand'], 'urn:example:must-understand': true })],
    ['crit empty', 'not_authentic', ['format:FORMAT_HEADER_INVALID'], withHeader({ crit: [] })],
    ['crit naming exp', 'not_authentic', ['format:FORMAT_HEADER_INVALID'], async () => ourSigned({ ...aPayload, exp: Date.parse(TEST_NOW) / 1000 + 3600 }, { ...aHeader, crit: ['exp'] })],
    ['validFrom 10 minutes in the future', 'not_authentic', ['validity:NOT_YET_VALID'], resigned((p) => void (p.validFrom = at(10 * 60_000)))],
    ['validFrom 5 minutes and 1 second in the future', 'not_authentic', ['validity:NOT_YET_VALID'], resigned((p) => void (p.validFrom = at(5 * 60_000 + 1000)))],
    ['nbf an hour in the future', 'not_authentic', ['validity:NOT_YET_VALID'], resigned((p) => void (p.nbf = Date.parse(TEST_NOW) / 1000 + 3600))],
    ['validUntil 10 minutes ago', 'not_authentic', ['validity:EXPIRED'], resigned((p) => Object.assign(p, { validFrom: at(-86_400_000), validUntil: at(-10 * 60_000) }))],
    ['exp an hour ago', 'not_authentic', ['validity:EXPIRED'], resigned((p) => void (p.exp = Date.parse(TEST_NOW) / 1000 - 3600))],
    ['validFrom after validUntil', 'not_authentic', ['format:FORMAT_CREDENTIAL_INVALID'], resigned((p) => Object.assign(p, { validUntil: at(-60_000) }))],
    // times no clock can reach: the signature is fine, the validity check fails with a code of its own
    ['exp 1e300', 'not_authentic', ['validity:VALIDITY_TIME_INVALID'], resigned((p) => void (p.exp = 1e300))],
    ['exp 8.64e12 + 1 seconds (just past the last Date)', 'not_authentic', ['validity:VALIDITY_TIME_INVALID'], resigned((p) => void (p.exp = 8.64e12 + 1))],
    ['exp -1e300', 'not_authentic', ['validity:VALIDITY_TIME_INVALID'], resigned((p) => void (p.exp = -1e300))],
    ['nbf 1e300', 'not_authentic', ['validity:VALIDITY_TIME_INVALID'], resigned((p) => void (p.nbf = 1e300))],
    ['nbf -1e300', 'not_authentic', ['validity:VALIDITY_TIME_INVALID'], resigned((p) => void (p.nbf = -1e300))],
    ['nbf a string', 'not_authentic', ['validity:VALIDITY_TIME_INVALID'], resigned((p) => void (p.nbf = String(Date.parse(TEST_NOW) / 1000)))],
    ['exp null', 'not_authentic', ['validity:VALIDITY_TIME_INVALID'], resigned((p) => void (p.exp = null))],
    ['exp an array', 'not_authentic', ['validity:VALIDITY_TIME_INVALID'], resigned((p) => void (p.exp = [Date.parse(TEST_NOW) / 1000 + 3600]))],
    // nesting: refused right after parsing, so nothing recurses into it (the answer echoes the credential)
    // (10,000 objects would pass the 64 KB bound on a credential: refused before parsing)
    ['credentialSubject nested 5,000 objects deep, signed with our key', 'not_authentic', ['format:FORMAT_INVALID'], async () => {
      const text = JSON.stringify(aPayload).replace(/"credentialSubject":\{/, `"credentialSubject":{"deep":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)},`);
      return ed25519Jws(aHeader, b64u(text), s.key.privateJwk);
    }],
    ['credentialSubject nested 10,000 arrays deep, signed with our key', 'not_authentic', ['format:FORMAT_INVALID'], async () => {
      const text = JSON.stringify(aPayload).replace(/"credentialSubject":\{/, `"credentialSubject":{"deep":${'['.repeat(10_000)}${']'.repeat(10_000)},`);
      return ed25519Jws(aHeader, b64u(text), s.key.privateJwk);
    }],
    ['a header nested 40 deep, signed with our key', 'not_authentic', ['format:FORMAT_INVALID'], async () => ourSigned(aPayload, { ...aHeader, x: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) })],
    ['validFrom not a dateTimeStamp', 'not_authentic', ['format:FORMAT_CREDENTIAL_INVALID'], resigned((p) => void (p.validFrom = '2026-11-23'))],
    ['status lists unreachable (both entries at 127.0.0.1:1)', 'unknown', ['status:STATUS_UNKNOWN'], resigned((p) => { for (const e of statusEntries(p)) e.statusListCredential = 'http://127.0.0.1:1/status/x'; })],
    ['revocation list unreachable, suspension list ours', 'unknown', ['status:STATUS_UNKNOWN'], resigned((p) => void (statusEntries(p).find((e) => e.statusPurpose === 'revocation')!.statusListCredential = 'http://127.0.0.1:1/status/x'))],
    ['status list on our host that does not exist', 'unknown', ['status:STATUS_UNKNOWN'], resigned((p) => void (statusEntries(p)[0]!.statusListCredential = 'http://register.test/status/revocation-999'))],
    ['revocation entry pointing at the suspension list', 'unknown', ['status:STATUS_UNKNOWN'], resigned((p) => { const [r, sus] = [statusEntries(p).find((e) => e.statusPurpose === 'revocation')!, statusEntries(p).find((e) => e.statusPurpose === 'suspension')!]; r.statusListCredential = sus.statusListCredential; })],
    ['no status entries', 'unknown', ['status:STATUS_UNKNOWN'], resigned((p) => void delete p.credentialStatus)],
    ['a status index outside the list', 'unknown', ['status:STATUS_UNKNOWN'], resigned((p) => void (statusEntries(p)[0]!.statusListIndex = '9999999999'))],
    ['our own signed status list, posed as a diploma', 'not_authentic', ['status:STATUS_UNKNOWN', 'register:REGISTER_UNKNOWN'], async () => (await s.app.fetch('/status/revocation-1')).text()],
    ['a credential id the register never issued, signed with our key', 'not_authentic', ['register:REGISTER_UNKNOWN'], resigned((p) => void (p.id = `urn:uuid:${crypto.randomUUID()}`))],
    ['vc claim wrapped around the credential, signed with our key', 'not_authentic', ['format:FORMAT_CREDENTIAL_INVALID'], async () => ourSigned({ vc: aPayload, iss: 'did:web:register.test' })],
    ['payload not JSON, signed with our key', 'not_authentic', ['format:FORMAT_INVALID'], async () => ed25519Jws(aHeader, b64u('not json'), s.key.privateJwk)],
    ['payload a JSON array, signed with our key', 'not_authentic', ['format:FORMAT_INVALID'], async () => ed25519Jws(aHeader, encode([aPayload]), s.key.privateJwk)],
    ['JWS JSON serialization instead of compact', 'not_authentic', ['format:FORMAT_INVALID'], async () => { const { h, p, s: sig } = decodeJwt(a.credentialJwt); return JSON.stringify({ protected: h, payload: p, signature: sig }); }],
    ['four segments', 'not_authentic', ['format:FORMAT_INVALID'], async () => `${a.credentialJwt}.${decodeJwt(a.credentialJwt).s}`],
    ['SD-JWT form (disclosures appended)', 'not_authentic', ['format:FORMAT_INVALID'], async () => `${a.credentialJwt}~WyJzYWx0IiwibmFtZSIsIngiXQ~`],
  ];

  it.each(jwtAttacks)('vc+jwt: %s → %s %j', async (_name, verdict, failed, forge) => {
    const jwt = await forge();
    const result = await verifyJwt(jwt);
    expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict, failed });
    // the credential is shown only when our key signed it
    const ours = result.checks.find((c) => c.id === 'signature')!.status === 'passed' && result.checks.find((c) => c.id === 'issuer')!.status === 'passed';
    expect(result.credential === undefined).toBe(!ours);
    // the enveloped form gives the same answer
    const again = await enveloped(jwt);
    expect({ verdict: again.verdict, failed: failures(again) }).toEqual({ verdict, failed });
  });

  it('VC-API: 200 only for a credential that verifies, 400 problem+json with the same verdict and checks otherwise; documented in OpenAPI', async () => {
    const genuine = await verify({ verifiableCredential: a.credentialJwt });
    expect([genuine.status, genuine.headers.get('content-type')]).toEqual([200, 'application/json']);
    expect(await genuine.json()).toMatchObject({ verified: true, verdict: 'authentic' });
    const forged = await editedUnsigned((p) => Object.assign(subject(p), { familyName: 'Vervalst' }))();
    const refused = await verify({ verifiableCredential: forged });
    expect([refused.status, refused.headers.get('content-type'), refused.headers.get('cache-control')]).toEqual([400, 'application/problem+json', 'no-store']);
    const body = (await refused.json()) as VerifyAnswer & Json;
    expect(body).toMatchObject({ type: 'http://register.test/docs#problem-CREDENTIAL_NOT_VERIFIED', title: 'The credential does not verify', status: 400, code: 'CREDENTIAL_NOT_VERIFIED', instance: '/credentials/verify', verified: false, verdict: 'not_authentic', verdictLabel: { nl: 'Niet echt', en: 'Not authentic' } });
    expect(failures(body)).toEqual(['signature:SIGNATURE_INVALID']);
    expect(body.checks.map((c) => c.id)).toEqual(['format', 'signature', 'issuer', 'status', 'validity', 'register']);
    // our own API keeps answering every verdict with 200
    const ours = await s.app.fetch(`/api/v1/verify?${EVERYTHING}`, { method: 'POST', headers: { 'content-type': 'application/json', ...freshClient() }, body: JSON.stringify(qrParts(a)) });
    expect(ours.status).toBe(200);
    // malformed input stays what it was
    expect((await problem(await verify({ verifiableCredential: 42 }), 422)).code).toBe('VALIDATION_FAILED');

    const doc = (await (await s.app.fetch('/openapi.json')).json()) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>; components: { schemas: Record<string, Json> } };
    const vcApi = doc.paths['/credentials/verify']!.post!.responses;
    expect(Object.keys(vcApi)).toEqual(expect.arrayContaining(['200', '400', '413', '415', '422']));
    expect(JSON.stringify(vcApi['400']!.content!['application/problem+json']!.schema)).toContain('#/components/schemas/CredentialNotVerified');
    const notVerified = JSON.stringify(doc.components.schemas.CredentialNotVerified);
    expect(notVerified).toContain('#/components/schemas/VerificationResult');
    expect(notVerified).toContain('"CREDENTIAL_NOT_VERIFIED"');
    expect(doc.paths['/api/v1/verify']!.post!.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/VerificationResult' });
  });

  it('fuzz: odd values anywhere in a credential signed with our key get an answer, never a 500', async () => {
    const big = JSON.parse(`${'{"a":'.repeat(31)}1${'}'.repeat(31)}`) as Json;
    const values: unknown[] = [
      1e308, -1e308, 8.64e12 + 1, -8.64e12 - 1, 0, -1, 0.5, 'NaN', 'Infinity', '-0', '', '\u0000', 'x'.repeat(20_000), '1e300', '2026-13-45T99:99:99Z', '+275760-09-13T00:00:00.001Z',
      [], [[[]]], {}, null, true, false, [null], [{}], big, JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'), { toString: 'x', valueOf: 'y' }, { '@value': 1, '@language': [] },
    ];
    const paths = [
      ['exp'], ['nbf'], ['iat'], ['validFrom'], ['validUntil'], ['id'], ['issuer'], ['issuer', 'id'], ['type'], ['@context'], ['name'], ['description'],
      ['credentialSubject'], ['credentialSubject', 'name'], ['credentialSubject', 'birthDate'], ['credentialSubject', 'achievement'], ['credentialSubject', 'achievement', 'title'],
      ['credentialStatus'], ['credentialStatus', '0'], ['credentialStatus', '0', 'statusListIndex'], ['credentialStatus', '0', 'statusListCredential'], ['evidence'], ['proof'],
    ];
    const set = (target: Json, path: string[], value: unknown) => {
      let at: Json = target;
      for (const key of path.slice(0, -1)) at = (typeof at[key] === 'object' && at[key] !== null ? at[key] : (at[key] = {})) as Json;
      at[path.at(-1)!] = value;
    };
    // a fixed sample of the product (a seeded walk), so a failure names its input and repeats
    const bytes = seededBytes(2026, paths.length * values.length);
    const seen: Record<string, number> = {};
    let tried = 0;
    for (let i = 0; i < paths.length * values.length; i++) {
      if (bytes[i]! % 3 !== 0 && !paths[i % paths.length]!.some((p) => p === 'exp' || p === 'nbf')) continue;
      const path = paths[i % paths.length]!;
      const value = values[Math.floor(i / paths.length)];
      const payload = structuredClone(aPayload);
      set(payload, path, value);
      const res = await verify({ verifiableCredential: await ourSigned(payload) });
      const what = `${path.join('.')} = ${JSON.stringify(value)?.slice(0, 60)}`;
      expect([200, 400], what).toContain(res.status);
      const body = (await res.json()) as VerifyAnswer;
      expect(body.checks.length, what).toBeGreaterThanOrEqual(6);
      seen[body.verdict] = (seen[body.verdict] ?? 0) + 1;
      tried++;
    }
    expect(tried).toBeGreaterThan(150);
    expect(Object.keys(seen).sort()).toEqual(expect.arrayContaining(['authentic', 'not_authentic', 'unknown']));
    expect({ ...Object.prototype } as Json).not.toHaveProperty('polluted');
  });

  it('within the ±5 minute clock skew a credential still passes (the boundary of the attacks above)', async () => {
    for (const payload of [{ ...aPayload, validFrom: at(4 * 60_000) }, { ...aPayload, validFrom: at(5 * 60_000) }, { ...aPayload, validFrom: at(-86_400_000), validUntil: at(-4 * 60_000) }]) {
      const result = await verifyJwt(await ourSigned(payload));
      expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'authentic', failed: [] });
      expect(result.checks.find((c) => c.id === 'validity')!.details).toMatchObject({ withinClockSkew: true, skewSeconds: 300 });
    }
    // typ/cty compare as media types: the long and upper-case spellings are the same type
    for (const typ of ['application/vc+jwt', 'VC+JWT']) expect((await verifyJwt(await ourSigned(aPayload, { ...aHeader, typ }))).verdict).toBe('authentic');
    expect((await verifyJwt(await ourSigned(aPayload, { ...aHeader, alg: 'Ed25519' }))).verdict).toBe('authentic');
  });

  it('a signature re-encoded in the standard base64 alphabet is refused as malformed', async () => {
    // Ed25519 is deterministic: vary a harmless member until the signature has a character that
    // differs between the two alphabets ('-' or '_')
    let jwt = '';
    for (let n = 0; !/[-_]/.test(jwt.split('.')[2] ?? ''); n++) jwt = await ourSigned({ ...aPayload, name: `Uittreksel ${n}` });
    expect((await verifyJwt(jwt)).verdict).toBe('authentic');
    const { h, p, s: sig } = decodeJwt(jwt);
    const standard = `${h}.${p}.${sig.replace(/-/g, '+').replace(/_/g, '/')}`;
    const result = await verifyJwt(standard);
    expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'not_authentic', failed: ['format:FORMAT_INVALID'] });
  });

  it('a withdrawn extract is revoked (status and register both say so)', async () => {
    const [row] = await getDb()
      .db.select({ diplomaId: extracts.diplomaId, subject: holders.subjectId })
      .from(extracts)
      .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(extracts.id, a.id));
    const victim = await s.issue(row!.diplomaId);
    expect((await verifyJwt(victim.credentialJwt)).verdict).toBe('authentic');
    await withdrawExtract(getDb().db, { extractId: victim.id, holderSubjectId: row!.subject, now: new Date(TEST_NOW) });
    const byQr = await answer(await s.app.fetch(`/api/v1/verify?${EVERYTHING}`, { method: 'POST', headers: { 'content-type': 'application/json', ...freshClient() }, body: JSON.stringify(qrParts(victim)) }));
    for (const result of [await verifyJwt(victim.credentialJwt), await answer(await upload(victim.pdf)), byQr]) {
      expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'revoked', failed: ['status:STATUS_REVOKED', 'register:REGISTER_WITHDRAWN'] });
      // its dates say nothing once it is withdrawn: validity is not listed as passed beside "revoked"
      expect(result.checks.find((c) => c.id === 'validity')).toMatchObject({ status: 'skipped', code: 'SKIPPED_NOT_IN_FORCE' });
    }
    // by number the holder's withdrawal leaves the number and the verdict, not their name or birth date
    expect(byQr.credential).toBeUndefined();
  });

  it('a suspended extract is suspended; lifting the suspension makes it authentic again', async () => {
    const victim = await s.issue((await getDb().db.select({ d: extracts.diplomaId }).from(extracts).where(eq(extracts.id, b.id)))[0]!.d);
    const [slot] = await getDb().db.select({ listId: extracts.suspensionList, index: extracts.suspensionIndex }).from(extracts).where(eq(extracts.id, victim.id));
    await setStatusBit(getDb().db, slot!, true, new Date(TEST_NOW));
    for (const result of [await verifyJwt(victim.credentialJwt), await answer(await upload(victim.pdf))]) {
      expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'suspended', failed: ['status:STATUS_SUSPENDED'] });
    }
    await setStatusBit(getDb().db, slot!, false, new Date(TEST_NOW));
    expect((await verifyJwt(victim.credentialJwt)).verdict).toBe('authentic');
  });

  // -------------------------------------------------------------------------------------------
  // The PDF entrance

  it('a PDF with one byte of a content stream flipped: seal broken, binding fails', async () => {
    const edited = a.pdf.slice();
    const offset = Buffer.from(edited).indexOf('stream') + 40;
    edited[offset] = edited[offset]! ^ 0x01;
    const result = await answer(await upload(edited));
    expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'not_authentic', failed: ['signature:SEAL_DOCUMENT_MODIFIED', 'binding:BINDING_MISMATCH'] });
    expect(sealOf(result)!.details).toMatchObject({ reason: 'content-changed' });
    expect(result.file!.sha256).toBe(Buffer.from(await crypto.subtle.digest('SHA-256', edited)).toString('hex'));
  });

  it('B’s genuine credential in A’s PDF, re-saved: the seal breaks and the binding fails', async () => {
    const forged = await swapAttachmentAndResave(a.pdf, b.credentialJwt);
    expect(attachedByPoppler(forged)).toEqual([['credential.jwt', b.credentialJwt]]);
    const result = await answer(await upload(forged));
    expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'not_authentic', failed: ['signature:SEAL_DOCUMENT_MODIFIED', 'binding:BINDING_MISMATCH'] });
    // the attached credential itself is genuine: it is the document it sits in that is not, and
    // every check it passed says it holds for that embedded credential only
    const credentialChecks = result.checks.filter((c) => ['issuer', 'status', 'validity', 'register'].includes(c.id) || c.code === 'SIGNATURE_VALID');
    expect(credentialChecks.map((c) => `${c.id}:${c.status}:${c.details?.embeddedCredentialOnly}`)).toEqual(['signature:passed:true', 'issuer:passed:true', 'status:passed:true', 'validity:passed:true', 'register:passed:true']);
    expect(result.credential!.id).toBe(decodeJwt(b.credentialJwt).payload.id);
  });

  it('B’s credential added as a second credential.jwt to A’s PDF: the seal breaks and the binding fails', async () => {
    const forged = await addAttachmentAndResave(a.pdf, b.credentialJwt);
    expect(attachedByPoppler(forged)).toEqual([['credential.jwt', a.credentialJwt], ['credential.jwt', b.credentialJwt]]);
    const result = await answer(await upload(forged));
    expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'not_authentic', failed: ['signature:SEAL_DOCUMENT_MODIFIED', 'binding:BINDING_MISMATCH'] });
  });

  it('B’s credential swapped into A’s PDF by an incremental update: the seal no longer covers the file', async () => {
    const forged = await swapAttachmentByIncrementalUpdate(a.pdf, b.credentialJwt);
    expect(attachedByPoppler(forged)).toEqual([['credential.jwt', b.credentialJwt]]);
    const result = await answer(await upload(forged));
    expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'not_authentic', failed: ['signature:SEAL_DOCUMENT_MODIFIED', 'binding:BINDING_MISMATCH'] });
    expect(sealOf(result)!.details).toMatchObject({ reason: 'appended' });
  });

  it('a PDF whose seal is fine but whose attached credential is someone else’s: the binding fails', async () => {
    const forged = await swapAttachmentAndReseal(a.pdf, b.credentialJwt, s.issuer.seal);
    expect(attachedByPoppler(forged)).toEqual([['credential.jwt', b.credentialJwt]]);
    const result = await answer(await upload(forged));
    expect(sealOf(result)).toMatchObject({ status: 'passed', code: 'SEAL_VALID' });
    expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'not_authentic', failed: ['binding:BINDING_MISMATCH'] });
  });

  it('A’s PDF with a forged credential (attacker-signed under our kid) swapped in and resealed: the signature fails', async () => {
    const forgedJwt = await ed25519Jws(aHeader, { ...aPayload, credentialSubject: { ...subject(aPayload), familyName: 'Vervalst' } }, attacker.privateJwk);
    const result = await answer(await upload(await swapAttachmentAndReseal(a.pdf, forgedJwt, s.issuer.seal)));
    expect({ verdict: result.verdict, failed: failures(result) }).toEqual({ verdict: 'not_authentic', failed: ['signature:SIGNATURE_INVALID'] });
    expect(sealOf(result)!.code).toBe('SEAL_VALID');
  });

  it('a PDF with its credential removed, or cut short, is not authentic', async () => {
    const doc = await PDFDocument.load(a.pdf, { updateMetadata: false });
    doc.catalog.delete(PDFName.of('Names'));
    doc.catalog.delete(PDFName.of('AF'));
    const stripped = await answer(await upload(await doc.save({ useObjectStreams: false })));
    // our seal is there, and broken: the file was changed, so not authentic
    expect({ verdict: stripped.verdict, failed: failures(stripped) }).toEqual({ verdict: 'not_authentic', failed: ['format:PDF_NO_CREDENTIAL', 'signature:SEAL_DOCUMENT_MODIFIED'] });
    // cut short, it is no PDF that can be read: it could not be checked, which is not "not authentic"
    const half = await answer(await upload(a.pdf.slice(0, Math.floor(a.pdf.length / 2))));
    expect({ verdict: half.verdict, failed: failures(half) }).toEqual({ verdict: 'unreadable', failed: ['format:PDF_INVALID'] });
  });

  it('files that are not PDFs, and random bytes of every size, could not be checked (never “not authentic”), never an error', async () => {
    const inputs: Array<[string, Uint8Array]> = [
      ['text', new TextEncoder().encode('Dit is echt mijn diploma, geloof me maar.')],
      ['PNG', new Uint8Array(PNG_1X1)],
      ['the credential itself as a file', new TextEncoder().encode(a.credentialJwt)],
      ['%PDF- and nothing else', new TextEncoder().encode('%PDF-1.7\n')],
      ['%PDF- … %%EOF around random bytes', new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(seededBytes(99, 4096)), Buffer.from('\n%%EOF\n')]))],
    ];
    for (const seed of [1, 2, 3]) for (const size of [1, 4096, 1024 * 1024]) inputs.push([`random seed ${seed}, ${size} bytes`, seededBytes(seed * 7919, size)]);
    for (const [name, bytes] of inputs) {
      const result = await answer(await upload(bytes, 'diploma.pdf'));
      const sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))).toString('hex');
      expect({ name, verdict: result.verdict, failed: failures(result), sha256: result.file?.sha256 }).toEqual({
        name,
        verdict: 'unreadable',
        // a PDF without credential and without seal: no seal to find broken
        failed: name.startsWith('%PDF- …') ? ['format:PDF_NO_CREDENTIAL'] : ['format:PDF_INVALID'],
        sha256,
      });
      expect(result.verdictLabel).toEqual({ nl: 'Kon niet worden gecontroleerd', en: 'Could not be checked' });
    }
    // the same bytes under another name and type are judged the same
    expect(failures(await answer(await upload(new Uint8Array(PNG_1X1), 'photo.png', 'image/png')))).toEqual(['format:PDF_INVALID']);
  });

  it('an empty file could not be checked, never an error', async () => {
    const result = await answer(await upload(new Uint8Array(0)));
    expect({ verdict: result.verdict, failed: failures(result), details: result.checks[0]!.details }).toEqual({ verdict: 'unreadable', failed: ['format:PDF_INVALID'], details: { reason: 'empty' } });
  });

  it('an upload of 5 MB + 1 byte is refused with 413 problem+json', async () => {
    const res = await upload(new Uint8Array(5 * 1024 * 1024 + 1));
    expect(['UPLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE']).toContain((await problem(res, 413)).code);
    // exactly 5 MB is read (and is no PDF)
    expect(failures(await answer(await upload(seededBytes(5, 5 * 1024 * 1024))))).toEqual(['format:PDF_INVALID']);
  });

  it('after a 413 for a body over the limit, the client’s next request on that connection still gets an answer', async () => {
    const big = multipart(new Uint8Array(8 * 1024 * 1024));
    const cases: Array<[string, string | Buffer, string]> = [
      ['/credentials/verify', JSON.stringify({ verifiableCredential: 'x'.repeat(1024 * 1024) }), 'application/json'],
      ['/api/v1/verify', big.body, big.type],
    ];
    const outcomes: string[] = [];
    for (const [path, body, type] of cases) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const refused = await rawPost(s.app.url, path, body, { 'content-type': type, ...freshClient() }, agent);
        // a keep-alive client reuses the connection unless the 413 said `Connection: close`
        const next = await rawPost(s.app.url, '/credentials/verify', JSON.stringify({ verifiableCredential: a.credentialJwt }), { 'content-type': 'application/json', ...freshClient() }, agent).catch((e: Error) => e);
        outcomes.push(`${path}: ${refused.status} (Connection: ${refused.headers.connection}), then ${next instanceof Error ? next.message : next.status}`);
      } finally {
        agent.destroy();
      }
    }
    expect(outcomes.join('\n')).toMatch(/^\/credentials\/verify: 413 \(Connection: \S+\), then 200\n\/api\/v1\/verify: 413 \(Connection: \S+\), then 200$/);
  });

  // -------------------------------------------------------------------------------------------
  // The number entrance, and malformed requests

  it('the number entrance: a wrong surname prefix gets the same 404 as an unknown number', async () => {
    const [withPrefix] = await getDb()
      .db.select({ id: diplomas.id, prefix: holders.prefix, familyName: holders.familyName })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(and(eq(diplomas.state, 'valid'), isNotNull(holders.prefix), ne(holders.prefix, '')))
      .limit(1);
    expect(withPrefix).toBeDefined();
    const e = await s.issue(withPrefix!.id);
    const { number } = qrParts(e);
    const fold = (t: string) => t.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^\p{L}]/gu, '').toLowerCase();
    const right = [fold(withPrefix!.familyName).slice(0, 2), fold(`${withPrefix!.prefix}${withPrefix!.familyName}`).slice(0, 2)];
    const wrong = ['de', 'te', 'op', 'zz'].find((w) => !right.includes(w))!;
    let ip = 0;
    const byLetters = (n: string, letters: string) =>
      s.app.fetch(`/api/v1/verify?${EVERYTHING}`, { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': `203.0.113.${100 + ip++}` }, body: JSON.stringify({ number: n, letters }) });
    for (const letters of right) expect((await answer(await byLetters(number, letters.toUpperCase()))).verdict).toBe('authentic');
    const wrongPrefix = await problem(await byLetters(number, wrong), 404);
    const unknownNumber = await problem(await byLetters('0000-0000-0000-00', right[0]!), 404);
    expect(wrongPrefix.code).toBe('EXTRACT_NOT_FOUND');
    expect({ ...wrongPrefix, requestId: '', instance: '' }).toEqual({ ...unknownNumber, requestId: '', instance: '' });
  });

  it('huge and garbage JSON: 413, 422 or 400 problem+json, never a 500', async () => {
    const post = (path: string, body: string, type = 'application/json') => s.app.fetch(path, { method: 'POST', headers: { 'content-type': type, ...freshClient() }, body });
    // a 1 MB string: over the body limit (sent on a connection of its own: see the keep-alive test below)
    for (const body of [{ verifiableCredential: 'x'.repeat(1024 * 1024) }, { verifiableCredential: { type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${'x'.repeat(1024 * 1024)}` } }]) {
      const res = await rawPost(s.app.url, '/credentials/verify', JSON.stringify(body), { 'content-type': 'application/json', ...freshClient() });
      expect([res.status, res.headers['content-type'], JSON.parse(res.body).code]).toEqual([413, 'application/problem+json', 'PAYLOAD_TOO_LARGE']);
    }
    // just over the credential size limit: refused before the pipeline
    const oversize = await post('/credentials/verify', JSON.stringify({ verifiableCredential: `${a.credentialJwt}${'A'.repeat(64 * 1024)}` }));
    if (oversize.status !== 422) expect(failures(await answer(oversize, true))).toEqual(['format:FORMAT_TOO_LARGE']);
    else expect((await problem(oversize, 422)).code).toBe('VALIDATION_FAILED');
    // wrong shapes
    for (const body of [
      [a.credentialJwt],
      42,
      null,
      true,
      {},
      { verifiableCredential: [a.credentialJwt] },
      { verifiableCredential: 42 },
      { verifiableCredential: null },
      { verifiableCredential: aPayload },
      { verifiableCredential: { type: 'EnvelopedVerifiableCredential', id: `data:application/vc+ld+json,${a.credentialJwt}` } },
      { verifiableCredential: { type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt;base64,${Buffer.from(a.credentialJwt).toString('base64')}` } },
      { verifiableCredential: { type: 'VerifiableCredential', id: `data:application/vc+jwt,${a.credentialJwt}` } },
    ]) {
      expect((await problem(await post('/credentials/verify', JSON.stringify(body)), 422)).code).toBe('VALIDATION_FAILED');
    }
    for (const body of [[qrParts(a)], 7, { number: 1234, secret: 'x' }, { number: 'x'.repeat(1024 * 1024), secret: 'x' }, { ...qrParts(a), letters: 'ab' }, { number: qrParts(a).number }]) {
      expect((await problem(await post('/api/v1/verify', JSON.stringify(body)), 422)).code).toBe('VALIDATION_FAILED');
    }
    // deeply nested, malformed, or not JSON at all
    const deep = `{"verifiableCredential":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect((await problem(await post('/credentials/verify', deep), 422)).code).toBe('VALIDATION_FAILED');
    expect((await problem(await post('/credentials/verify', '{"verifiableCredential": "a.b.c"'), 400)).code).toBe('MALFORMED_JSON');
    expect((await problem(await post('/credentials/verify', '\u0000\u0001garbage'), 400)).code).toBe('MALFORMED_JSON');
    expect((await problem(await post('/credentials/verify', a.credentialJwt, 'application/vc+jwt'), 415)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await problem(await post('/api/v1/verify', 'number=1&secret=2', 'application/x-www-form-urlencoded'), 415)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  // (the W3C VC Data Model 2.0 test suite runs once, without a database: tests/verification/pipeline.test.ts)

  // -------------------------------------------------------------------------------------------
  // (b) W3C VC-JOSE-COSE test suite: every verify case, as sent by a stranger

  describe('VC-JOSE-COSE test suite verify cases', () => {
    const SUITE = new URL('../vectors/vc-jose-cose-test-suite/', import.meta.url);
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', SUITE), 'utf8')) as { tests: Array<{ number: number; name: string; group: string; fn: string; feature: string; input_file: string; expected_result: string }> };
    const verifyCases = manifest.tests.filter((t) => t.fn === 'verify');
    // what fails first, and why: none of these is signed by our key
    const expectedFailure: Record<number, string> = {
      6: 'signature:SIGNATURE_ALG_UNSUPPORTED', // ES256
      7: 'format:FORMAT_HEADER_INVALID', // vp+jwt
      8: 'issuer:KEY_UNKNOWN', // EdDSA, the suite's key
      9: 'signature:SIGNATURE_ALG_UNSUPPORTED', // ES512
      10: 'format:FORMAT_INVALID', // an unsecured JSON credential
      11: 'format:FORMAT_INVALID', // an unsecured JSON presentation
      12: 'issuer:KEY_UNKNOWN', // a bad signature, but under a key that is not ours: never even tried
      13: 'format:FORMAT_HEADER_INVALID', // typ bad+typ
      14: 'format:FORMAT_HEADER_INVALID',
      15: 'format:FORMAT_CREDENTIAL_INVALID', // vc and vp claims in the payload
      16: 'format:FORMAT_HEADER_INVALID', // vp+jwt
      // SD-JWT (~ disclosures) and COSE (base64/hex CBOR) are not compact JWS
      20: 'format:FORMAT_INVALID',
      21: 'format:FORMAT_INVALID',
      22: 'format:FORMAT_INVALID',
      23: 'format:FORMAT_INVALID',
      24: 'format:FORMAT_INVALID',
      25: 'format:FORMAT_INVALID',
      26: 'format:FORMAT_INVALID',
      29: 'format:FORMAT_INVALID',
      30: 'format:FORMAT_INVALID',
      31: 'format:FORMAT_INVALID',
      32: 'format:FORMAT_INVALID',
      33: 'format:FORMAT_INVALID',
      34: 'format:FORMAT_INVALID',
      35: 'format:FORMAT_INVALID',
    };

    it('covers every verify case of the manifest', () => {
      expect(verifyCases.map((t) => t.number).sort((x, y) => x - y)).toEqual(Object.keys(expectedFailure).map(Number));
    });

    it.each(verifyCases.map((t) => [t.name, t] as const))('%s', async (_name, t) => {
      const input = readFileSync(new URL(t.input_file, SUITE), 'utf8').trim();
      for (const result of [await verifyJwt(input), await enveloped(input)]) {
        expect(result.verdict).toBe('not_authentic');
        expect(failures(result)).toEqual([expectedFailure[t.number]]);
      }
    });
  });

  it('after all of this, the logs hold no secret, extract number, credential or holder name, and no 500', () => {
    expect(s.secrets.size).toBeGreaterThan(10);
    expectCleanLogs(s);
  });
});

// ---------------------------------------------------------------------------------------------
// A compromised signing key: in a database of its own, because everything the key signed (the
// status lists too) stops counting.

describeEachDatabase('verifier attacks: a compromised signing key', (getDb) => {
  let s: Setup;
  let e: IssuedExtract;

  beforeAll(async () => {
    s = await setUp(getDb());
    const [d] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'valid')).limit(1);
    e = await s.issue(d!.id);
  });
  afterAll(() => s.app.close());

  const verifyJwt = async (jwt: string) =>
    answer(await s.app.fetch(`/credentials/verify?${EVERYTHING}`, { method: 'POST', headers: { 'content-type': 'application/json', ...freshClient() }, body: JSON.stringify({ verifiableCredential: jwt }) }), true);

  it('everything the key signed fails the issuer check, through every entrance, once it is marked compromised', async () => {
    expect((await verifyJwt(e.credentialJwt)).verdict).toBe('authentic');
    await s.app.app.services.keys.compromise(getDb().db, s.key.kid, 'operator:test', new Date(TEST_NOW), 'attack corpus');

    const jwks = (await (await s.app.fetch('/.well-known/jwks.json')).json()) as { keys: Array<{ kid: string }>; compromised: Array<{ kid: string }> };
    expect(jwks.compromised.map((k) => k.kid)).toContain(s.key.kid);
    expect(jwks.keys.map((k) => k.kid)).not.toContain(s.key.kid);

    const body = new FormData();
    body.set('file', new File([new Uint8Array(e.pdf)], 'extract.pdf', { type: 'application/pdf' }));
    const results = {
      credential: await verifyJwt(e.credentialJwt),
      qr: await answer(await s.app.fetch(`/api/v1/verify?${EVERYTHING}`, { method: 'POST', headers: { 'content-type': 'application/json', ...freshClient() }, body: JSON.stringify(qrParts(e)) })),
      pdf: await answer(await s.app.fetch(`/api/v1/verify?${EVERYTHING}`, { method: 'POST', body, headers: freshClient() })),
      // the thief signs a diploma of their own making with the stolen key
      forged: await verifyJwt(
        await ed25519Jws(decodeJwt(e.credentialJwt).header, { ...decodeJwt(e.credentialJwt).payload, id: `urn:uuid:${crypto.randomUUID()}`, credentialSubject: { ...(decodeJwt(e.credentialJwt).payload.credentialSubject as Json), familyName: 'Dief' } }, s.key.privateJwk),
      ),
    };
    for (const [entrance, result] of Object.entries(results)) {
      expect({ entrance, verdict: result.verdict, failed: failures(result) }).toEqual({ entrance, verdict: 'not_authentic', failed: ['issuer:KEY_COMPROMISED'] });
      expect(result.checks.find((c) => c.id === 'issuer')!.details).toMatchObject({ compromisedAt: new Date(TEST_NOW).toISOString() });
      expect(result.credential).toBeUndefined();
    }
    expect(sealOf(results.pdf)!.code).toBe('SEAL_VALID');
    expectCleanLogs(s);
  });
});
