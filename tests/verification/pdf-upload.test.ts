// The PDF entrance against real extracts: issued, sealed and registered as in production, then
// uploaded genuine, tampered with, re-sealed, re-attached, cut short or replaced by junk. Forgeries
// must come out not_authentic, the genuine file authentic; nothing may throw. pdfsig (poppler)
// confirms independently what the seal check finds.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { and, eq, ne } from 'drizzle-orm';
import { PDFArray, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, StandardFonts, rgb } from 'pdf-lib';
import { decodeJwt } from 'jose';
import { diplomas, holders } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { withdrawExtract } from '../../src/extracts/extract-status.ts';
import { importSealKey, sealPdf, type SealKey } from '../../src/documents/pdf-seal.ts';
import { registerSources } from '../../src/verifier/sources.ts';
import { findExtractDocument } from '../../src/verifier/document-hash.ts';
import { MAX_PDF_BYTES, verifyPdfUpload, type PdfUploadResult } from '../../src/verification/pdf-upload.ts';
import type { VerificationSources } from '../../src/verification/pipeline.ts';
import type { CheckCode } from '../../src/verification/checks.ts';
import { generateSealChain } from '../../keys/seal.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { nssDirTrustingDevCa, testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

const PIPELINE_ORDER = ['format', 'signature', 'signature', 'issuer', 'status', 'validity', 'register', 'binding'];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const summary = (r: PdfUploadResult) => JSON.stringify(r.checks.map((c) => [c.id, c.status, c.code]));

/** The seal check: the `signature` entry that speaks about the PDF, not the credential. */
const sealOf = (r: PdfUploadResult) => r.checks.find((c) => c.id === 'signature' && c.details?.seal === true)!;
const credentialSignatureOf = (r: PdfUploadResult) => r.checks.find((c) => c.id === 'signature' && c.details?.seal !== true)!;
const codeOf = (r: PdfUploadResult, id: string) => r.checks.find((c) => c.id === id)!.code;

/** A deterministic byte source (xorshift32), so a failing seed can be replayed. */
function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describeEachDatabase('verifying an uploaded extract PDF', (getDb) => {
  let app: RunningApp;
  let issuer: ExtractIssuer;
  let sources: VerificationSources;
  let sealKey: SealKey;
  let a: IssuedExtract;
  let b: IssuedExtract;
  let nssDir: string;
  const dir = mkdtempSync(join(tmpdir(), 'pdf-upload-'));

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    sealKey = docs.documents!.seal;
    issuer = { signingKeys: docs.signingKeys!, seal: sealKey, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    sources = registerSources(app.deps, app.app.services);
    const [first] = await getDb().db.select({ id: diplomas.id, holderId: diplomas.holderId }).from(diplomas).where(eq(diplomas.state, 'valid')).limit(1);
    const [second] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(and(eq(diplomas.state, 'valid'), ne(diplomas.holderId, first!.holderId))).limit(1);
    a = await issueExtract(getDb().db, issuer, { diplomaId: first!.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    b = await issueExtract(getDb().db, issuer, { diplomaId: second!.id, lang: 'en', issuedBy: 'holder', now: new Date(TEST_NOW) });
    nssDir = nssDirTrustingDevCa();
  });
  afterAll(() => app.close());

  const verify = (bytes: Uint8Array, documentHash = async (credentialId: string) => (await findExtractDocument(getDb().db, credentialId))?.pdfSha256) =>
    verifyPdfUpload(bytes, sources, { now: new Date(TEST_NOW), sealTrust: { certificates: [sealKey.certificateDer] }, documentHash });

  function pdfsig(name: string, bytes: Uint8Array): string {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    const run = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' });
    return run.stdout + run.stderr;
  }

  /** `pdf` without its seal (signature field, /Perms) and with `credentialJwt` attached instead of its own. */
  async function unsealedWith(pdf: Uint8Array, credentialJwt: string): Promise<Uint8Array> {
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    doc.catalog.delete(PDFName.of('Perms'));
    doc.catalog.delete(PDFName.of('AcroForm'));
    doc.catalog.delete(PDFName.of('Names'));
    doc.catalog.delete(PDFName.of('AF'));
    doc.getPages()[0]!.node.delete(PDFName.of('Annots'));
    await doc.attach(new TextEncoder().encode(credentialJwt), 'credential.jwt', { mimeType: 'application/vc+jwt' });
    return doc.save({ useObjectStreams: false });
  }

  it('a genuine extract is authentic: every check passed, seal and binding included', async () => {
    const result = await verify(a.pdf);
    expect(result.verdict, summary(result)).toBe('authentic');
    expect(result.checks.map((c) => c.id)).toEqual(PIPELINE_ORDER);
    expect(result.checks.every((c) => c.status === 'passed'), summary(result)).toBe(true);
    expect(result.checks.map((c) => c.code)).toEqual(['FORMAT_VALID', 'SIGNATURE_VALID', 'SEAL_VALID', 'ISSUER_VALID', 'STATUS_VALID', 'VALIDITY_VALID', 'REGISTER_ACTIVE', 'BINDING_VALID']);
    expect(result.sha256).toBe(sha256(a.pdf));
    expect(result.credentialId).toBe((decodeJwt(a.credentialJwt) as { id: string }).id);
    expect(result.credential?.id).toBe(result.credentialId);
    for (const c of result.checks) expect(c.message.nl && c.message.en).toBeTruthy();
    expect(pdfsig('genuine.pdf', a.pdf)).toContain('Signature is Valid');
  });

  it('one flipped byte in the page text breaks the seal (pdfsig: Digest Mismatch) and the binding', async () => {
    // the first page's content stream: the text operators a reader shows
    const doc = await PDFDocument.load(a.pdf, { updateMetadata: false });
    const contents = doc.getPages()[0]!.node.get(PDFName.of('Contents'));
    const contentRef = contents instanceof PDFArray ? contents.get(0) : contents;
    const stream = doc.context.lookup(contentRef) as PDFRawStream;
    const marker = Buffer.from(a.pdf).indexOf(`\n${contentRef!.toString().replace(' R', ' obj')}\n`);
    const data = Buffer.from(a.pdf).indexOf('stream\n', marker) + 'stream\n'.length;
    const tampered = new Uint8Array(a.pdf);
    const at = data + Math.floor(stream.getContents().length / 2);
    tampered[at] = tampered[at]! ^ 0x01;

    const result = await verify(tampered);
    expect(result.verdict, summary(result)).toBe('not_authentic');
    expect(sealOf(result)).toMatchObject({ status: 'failed', code: 'SEAL_DOCUMENT_MODIFIED', details: { reason: 'content-changed' } });
    expect(credentialSignatureOf(result).status).toBe('passed'); // the attached credential itself is genuine
    expect(codeOf(result, 'binding')).toBe('BINDING_MISMATCH');
    expect(result.sha256).toBe(sha256(tampered));
    expect(pdfsig('flipped.pdf', tampered)).toContain('Digest Mismatch');
  });

  it('text edited with pdf-lib and saved again is not authentic; the credential is still found in its object streams', async () => {
    const doc = await PDFDocument.load(a.pdf, { updateMetadata: false });
    const page = doc.getPages()[0]!;
    const font = await doc.embedFont(StandardFonts.Helvetica);
    page.drawRectangle({ x: 200, y: 600, width: 300, height: 20, color: rgb(1, 1, 1) });
    page.drawText('Cum laude', { x: 205, y: 605, size: 12, font });
    const edited = await doc.save(); // object streams, a new cross-reference stream

    const result = await verify(edited);
    expect(result.verdict, summary(result)).toBe('not_authentic');
    expect(codeOf(result, 'format')).toBe('FORMAT_VALID');
    expect(sealOf(result)).toMatchObject({ status: 'failed', code: 'SEAL_DOCUMENT_MODIFIED' });
    expect(codeOf(result, 'binding')).toBe('BINDING_MISMATCH');
    expect(pdfsig('edited.pdf', edited)).not.toContain('Signature is Valid');
  });

  it('an incremental update appended after the seal is not authentic, though pdfsig still finds the signature itself valid', async () => {
    const original = Buffer.from(a.pdf);
    const tail = original.subarray(original.length - 64).toString('latin1');
    const previousXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail)![1]);
    const trailer = original.toString('latin1', original.lastIndexOf('trailer'));
    const size = Number(/\/Size (\d+)/.exec(trailer)![1]);
    const root = /\/Root (\d+ \d+ R)/.exec(trailer)![1];
    const info = /\/Info (\d+) \d+ R/.exec(trailer)![1];
    const object = `\n${info} 0 obj\n<< /Title (Uittreksel - cum laude) /Producer (Diplomaregister) >>\nendobj\n`;
    const objectOffset = original.length + 1;
    const xrefOffset = original.length + object.length;
    const update =
      object +
      `xref\n${info} 1\n${String(objectOffset).padStart(10, '0')} 00000 n \n` +
      `trailer\n<< /Size ${size} /Root ${root} /Info ${info} 0 R /Prev ${previousXref} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
    const updated = new Uint8Array(Buffer.concat([original, Buffer.from(update, 'latin1')]));

    const result = await verify(updated);
    expect(result.verdict, summary(result)).toBe('not_authentic');
    expect(sealOf(result)).toMatchObject({ status: 'failed', code: 'SEAL_DOCUMENT_MODIFIED', details: { reason: 'appended' } });
    expect(codeOf(result, 'binding')).toBe('BINDING_MISMATCH');
    const sig = pdfsig('appended.pdf', updated);
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Not total document signed');
  });

  it('another holder’s genuine credential attached to this PDF is not authentic, by seal and by binding', async () => {
    const doc = await PDFDocument.load(a.pdf, { updateMetadata: false });
    doc.catalog.delete(PDFName.of('Names'));
    doc.catalog.delete(PDFName.of('AF'));
    await doc.attach(new TextEncoder().encode(b.credentialJwt), 'credential.jwt', { mimeType: 'application/vc+jwt' });
    const swapped = await doc.save({ useObjectStreams: false });
    const attached = join(dir, 'swapped');
    writeFileSync(`${attached}.pdf`, swapped);
    execFileSync('pdfdetach', ['-saveall', '-o', dir, `${attached}.pdf`]);
    expect(readFileSync(join(dir, 'credential.jwt'), 'utf8')).toBe(b.credentialJwt);

    const result = await verify(swapped);
    expect(result.verdict, summary(result)).toBe('not_authentic');
    expect(credentialSignatureOf(result).status).toBe('passed');
    expect(codeOf(result, 'register')).toBe('REGISTER_ACTIVE'); // B's credential is genuine and current …
    expect(codeOf(result, 'binding')).toBe('BINDING_MISMATCH'); // … but this is not B's document
    expect(sealOf(result)).toMatchObject({ status: 'failed', code: 'SEAL_DOCUMENT_MODIFIED' });
  });

  it('even with a valid seal of ours, a document that is not the one issued with its credential fails the binding', async () => {
    // A's pages, B's credential, sealed with the register's own key: what a bug or an insider could make
    const resealed = await sealPdf(await unsealedWith(a.pdf, b.credentialJwt), sealKey, { signingTime: new Date(TEST_NOW) });
    const result = await verify(resealed);
    expect(pdfsig('resealed.pdf', resealed)).toContain('Signature is Valid');
    expect(sealOf(result)).toMatchObject({ status: 'passed', code: 'SEAL_VALID' });
    expect(codeOf(result, 'binding')).toBe('BINDING_MISMATCH');
    expect(result.verdict, summary(result)).toBe('not_authentic');
  });

  it('a PDF sealed with a self-made certificate is not ours', async () => {
    const chain = await generateSealChain(new Date(TEST_NOW));
    const foreignKey = await importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealKeyPem, chainPems: [chain.caCertPem] });
    const foreign = await sealPdf(await unsealedWith(a.pdf, a.credentialJwt), foreignKey, { signingTime: new Date(TEST_NOW) });
    const sig = pdfsig('foreign.pdf', foreign);
    expect(sig).toContain('Signature is Valid'); // intact, just not ours: poppler does not trust its CA
    expect(sig).not.toContain('Certificate is Trusted');

    const result = await verify(foreign);
    expect(result.verdict, summary(result)).toBe('not_authentic');
    expect(sealOf(result)).toMatchObject({ status: 'failed', code: 'SEAL_NOT_OURS' });
    expect(credentialSignatureOf(result).status).toBe('passed');
    expect(codeOf(result, 'binding')).toBe('BINDING_MISMATCH');
  });

  it('a PDF without the credential attachment, sealed or not, fails the format check', async () => {
    const doc = await PDFDocument.load(a.pdf, { updateMetadata: false });
    doc.catalog.delete(PDFName.of('Names'));
    doc.catalog.delete(PDFName.of('AF'));
    const stripped = await doc.save({ useObjectStreams: false });
    writeFileSync(join(dir, 'stripped.pdf'), stripped);
    expect(execFileSync('pdfdetach', ['-list', join(dir, 'stripped.pdf')], { encoding: 'utf8' })).toMatch(/^0 embedded files/);

    const result = await verify(stripped);
    expect(result.verdict, summary(result)).toBe('not_authentic');
    expect(result.checks.map((c) => c.id)).toEqual(PIPELINE_ORDER);
    expect(codeOf(result, 'format')).toBe('PDF_NO_CREDENTIAL');
    expect(sealOf(result)).toMatchObject({ status: 'failed', code: 'SEAL_DOCUMENT_MODIFIED' });
    expect(result.checks.filter((c) => c.status === 'skipped').map((c) => c.code)).toEqual(Array(6).fill('SKIPPED_PDF_NO_CREDENTIAL'));
    expect(result.credential).toBeUndefined();

    const blank = await PDFDocument.create();
    blank.addPage().drawText('Diploma');
    const plain = await verify(await blank.save());
    // neither credential nor seal: not an extract at all, so it could not be checked (not "not authentic")
    expect(plain.verdict).toBe('unreadable');
    expect([codeOf(plain, 'format'), sealOf(plain).status, sealOf(plain).code]).toEqual(['PDF_NO_CREDENTIAL', 'skipped', 'SKIPPED_PDF_NO_CREDENTIAL']);
  });

  it('finds a credential attached as a FileAttachment annotation; without our seal it is still not authentic', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    const { context } = doc;
    const file = context.register(context.flateStream(new TextEncoder().encode(b.credentialJwt), { Type: 'EmbeddedFile' }));
    const spec = context.register(context.obj({ Type: 'Filespec', F: PDFString.of('credential.jwt'), UF: PDFHexString.fromText('credential.jwt'), EF: { F: file } }));
    page.node.set(PDFName.of('Annots'), context.obj([context.obj({ Type: 'Annot', Subtype: 'FileAttachment', Rect: [10, 10, 30, 30], FS: spec })]));
    const result = await verify(await doc.save());
    expect(codeOf(result, 'format')).toBe('FORMAT_VALID');
    expect(credentialSignatureOf(result).status).toBe('passed');
    expect(result.credentialId).toBe((decodeJwt(b.credentialJwt) as { id: string }).id);
    expect(sealOf(result).code).toBe('SEAL_MISSING');
    expect(codeOf(result, 'binding')).toBe('BINDING_MISMATCH');
    expect(result.verdict).toBe('not_authentic');
  });

  it('an attachment that is not a credential fails the format check as PDF_CREDENTIAL_INVALID', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    await doc.attach(new TextEncoder().encode('not.a.jwt'), 'credential.jwt', { mimeType: 'application/vc+jwt' });
    const result = await verify(await doc.save());
    expect(result.verdict).toBe('not_authentic');
    expect(result.checks.find((c) => c.id === 'format')).toMatchObject({ status: 'failed', code: 'PDF_CREDENTIAL_INVALID', details: { cause: 'FORMAT_INVALID' } });
    expect(sealOf(result).code).toBe('SEAL_MISSING');
  });

  it('answers junk with a result, never a throw: text, PNG, random bytes, an empty file, truncated and oversized PDFs', async () => {
    execFileSync('pdftoppm', ['-r', '20', '-png', '-f', '1', '-l', '1', join(dir, 'genuine.pdf'), join(dir, 'page')]);
    const png = new Uint8Array(readFileSync(join(dir, 'page-1.png')));
    expect(Buffer.from(png.subarray(1, 4)).toString()).toBe('PNG');
    const pdfHeader = new TextEncoder().encode('%PDF-1.7\n');
    const eof = new TextEncoder().encode('\n%%EOF\n');
    const junk: Array<[string, Uint8Array, CheckCode]> = [
      ['text', new TextEncoder().encode('Dit is echt mijn diploma, geloof me nou maar.\n'), 'PDF_INVALID'],
      ['png', png, 'PDF_INVALID'],
      ['empty', new Uint8Array(0), 'PDF_INVALID'],
      ['truncated', a.pdf.subarray(0, Math.floor(a.pdf.length / 2)), 'PDF_INVALID'],
      ['last byte cut', a.pdf.subarray(0, a.pdf.length - 3), 'PDF_INVALID'],
      ['too large', new Uint8Array(MAX_PDF_BYTES + 1), 'PDF_TOO_LARGE'],
      ...[1, 2, 3, 42, 2026].map((seed): [string, Uint8Array, CheckCode] => [`random ${seed}`, seededBytes(seed, 4096 + seed), 'PDF_INVALID']),
      // random bytes dressed as a PDF get as far as the reader: no seal, no credential
      ...[7, 8, 9].map((seed): [string, Uint8Array, CheckCode] => [`random PDF ${seed}`, new Uint8Array([...pdfHeader, ...seededBytes(seed, 200_000), ...eof]), 'PDF_NO_CREDENTIAL']),
    ];
    for (const [name, bytes, code] of junk) {
      const result = await verify(bytes);
      expect(result.verdict, name).toBe('unreadable');
      expect(result.checks.map((c) => c.id), name).toEqual(PIPELINE_ORDER);
      expect(result.checks[0], name).toMatchObject({ id: 'format', status: 'failed', code });
      expect(result.sha256, name).toBe(sha256(bytes));
      expect(result.credential, name).toBeUndefined();
      for (const c of result.checks) expect(c.message.nl && c.message.en, name).toBeTruthy();
    }
  });

  it('reads hostile structures to the end: deep nesting, cycles, unterminated tokens, a decompression bomb', async () => {
    const pdf = (body: string | Buffer) => new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\n%%EOF\n')]));
    const bomb = deflateSync(Buffer.alloc(20_000_000));
    const hostile: Array<[string, Uint8Array]> = [
      ['deep nesting', pdf('1 0 obj ' + '['.repeat(100_000) + ' endobj\n')],
      ['deep nesting, many objects', pdf('1 0 obj [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ endobj\n'.repeat(20_000))],
      ['unterminated strings', pdf('1 0 obj (\n2 0 obj <\n'.repeat(50_000))],
      ['reference cycle as catalog', pdf('1 0 obj 2 0 R endobj\n2 0 obj 1 0 R endobj\ntrailer << /Root 1 0 R >>')],
      [
        'name tree and page tree loops',
        pdf('1 0 obj << /Type /Catalog /Pages 3 0 R /Names << /EmbeddedFiles 2 0 R >> >> endobj\n2 0 obj << /Kids [2 0 R 2 0 R] >> endobj\n3 0 obj << /Kids [3 0 R 3 0 R] /Annots [3 0 R] >> endobj\ntrailer << /Root 1 0 R >>'),
      ],
      [
        'object stream bomb',
        pdf(Buffer.concat([Buffer.from(`1 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >> stream\n`), bomb, Buffer.from('\nendstream endobj')])),
      ],
      ['a signature dictionary of junk', pdf('1 0 obj << /Type /Sig /ByteRange [0 10 20 30] /Contents <3082ffff0000> >> endobj\n2 0 obj << /ByteRange [0 -1 x] /Contents (x) >> endobj')],
    ];
    for (const [name, bytes] of hostile) {
      const result = await verify(bytes);
      // a broken signature dictionary is a seal found wrong; without any, there is no extract to check
      expect(result.verdict, name).toBe(name.startsWith('a signature') ? 'not_authentic' : 'unreadable');
      expect(codeOf(result, 'format'), name).toBe('PDF_NO_CREDENTIAL');
      expect(sealOf(result).code, name).toBe(name.startsWith('a signature') ? 'SEAL_INVALID' : 'SKIPPED_PDF_NO_CREDENTIAL');
    }
  });

  it('a withdrawn extract, uploaded untouched, is revoked: the seal and the binding still hold', async () => {
    const [row] = await getDb()
      .db.select({ id: diplomas.id, subject: holders.subjectId })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(diplomas.state, 'valid'))
      .limit(1);
    const extract = await issueExtract(getDb().db, issuer, { diplomaId: row!.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    await withdrawExtract(getDb().db, { extractId: extract.id, holderSubjectId: row!.subject, now: new Date(TEST_NOW) });
    const result = await verify(extract.pdf);
    expect(result.verdict, summary(result)).toBe('revoked');
    expect(sealOf(result).code).toBe('SEAL_VALID');
    expect(codeOf(result, 'register')).toBe('REGISTER_WITHDRAWN');
    expect(codeOf(result, 'binding')).toBe('BINDING_VALID');
  });

  it('the binding fails closed: a register that cannot answer gives unknown, one without the document not_authentic', async () => {
    const unavailable = await verify(a.pdf, async () => {
      throw new Error('database down');
    });
    expect(unavailable.verdict).toBe('unknown');
    expect(unavailable.checks.find((c) => c.id === 'binding')).toMatchObject({ status: 'failed', code: 'BINDING_UNAVAILABLE' });
    const none = await verify(a.pdf, async () => undefined);
    expect(none.verdict).toBe('not_authentic');
    expect(codeOf(none, 'binding')).toBe('BINDING_MISMATCH');
  });

  it('refuses to run without a trusted seal certificate (configuration, not input)', async () => {
    await expect(verifyPdfUpload(a.pdf, sources, { now: new Date(TEST_NOW), sealTrust: { certificates: [] }, documentHash: async () => undefined })).rejects.toThrow(TypeError);
  });
});
