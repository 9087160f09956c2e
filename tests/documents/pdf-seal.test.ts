// The PDF seal, checked with independent tools: poppler's pdfsig (NSS), pdfdetach, pdftotext,
// pdfinfo, and OpenSSL for the CMS. Needs the Debian packages poppler-utils, libnss3-tools
// (certutil, for pdfsig's trust store) and openssl.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSealChain, type SealChain } from '../../keys/seal.ts';
import { SealError, importSealKey, sealPdf, sealPdfDocument, type SealKey } from '../../src/documents/pdf-seal.ts';

const SIGNING_TIME = new Date('2025-03-14T09:26:53Z');
const JWT = `eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCIsImN0eSI6InZjIn0.${'eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUifQ'.repeat(40)}.c2lnbmF0dXJl`;
const TEXT_LINES = ['Uittreksel uit het diplomaregister', 'Bachelor of Science Informatica', 'Instellingscode 21PB'];

let dir: string;
let chain: SealChain;
let key: SealKey;
let unsealed: Uint8Array;
let sealed: Uint8Array;
let sealedPath: string;
let trustedNss: string;
let emptyNss: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pdf-seal-'));
  chain = await generateSealChain(new Date());
  key = await importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealKeyPem, chainPems: [chain.caCertPem] });
  writeFileSync(join(dir, 'ca.pem'), chain.caCertPem);
  trustedNss = newNssDatabase('trusted');
  run('certutil', ['-A', '-d', trustedNss, '-n', 'devca', '-t', 'CT,C,C', '-i', join(dir, 'ca.pem')]);
  emptyNss = newNssDatabase('empty');

  unsealed = await (await buildExtract()).save();
  sealed = await sealPdf(unsealed, key, { signingTime: SIGNING_TIME, reason: 'Echtheid uittreksel', location: 'Groningen, NL', name: 'Diplomaregister', contactInfo: 'https://diplomaregister.example' });
  sealedPath = write('sealed.pdf', sealed);
  write('unsealed.pdf', unsealed);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sealPdf: pdfsig (poppler + NSS)', () => {
  it('reports exactly one valid signature over the whole file, trusted through the dev CA', () => {
    const out = pdfsig(sealedPath, trustedNss);
    const { ranges } = signatureSlots(sealed);
    expect(out.match(/^Signature #\d+:/gm)).toHaveLength(1);
    expect(out).toContain('  - Signature Field Name: Seal\n');
    expect(out).toContain('  - Signer Certificate Common Name: Diplomaregister Seal (development)\n');
    expect(out).toContain('  - Signing Time: Mar 14 2025 09:26:53\n');
    expect(out).toContain('  - Signing Hash Algorithm: SHA-256\n');
    expect(out).toContain('  - Signature Type: ETSI.CAdES.detached\n');
    expect(out).toContain(`  - Signed Ranges: [0 - ${ranges[1]}], [${ranges[2]} - ${ranges[2] + ranges[3]}]\n`);
    expect(ranges[2] + ranges[3]).toBe(sealed.length);
    expect(out).toContain('  - Total document signed\n');
    expect(out).toContain('  - Signature Validation: Signature is Valid.\n');
    expect(out).toContain('  - Certificate Validation: Certificate is Trusted.\n');
  });

  it('does not trust the seal certificate without the dev CA', () => {
    const out = pdfsig(sealedPath, emptyNss);
    expect(out).toContain('  - Signature Validation: Signature is Valid.\n');
    expect(out).toContain("  - Certificate Validation: Certificate issuer isn't Trusted.\n");
  });

  it('reports a digest mismatch when any byte of the signed ranges changes', () => {
    const text = latin1(sealed);
    const { contentsStart, contentsEnd } = signatureSlots(sealed);
    const attachment = streamDataRange(text, objectWith(text, /\/Type \/EmbeddedFile\b/));
    const pageContentNumber = Number(/\/Contents\s*\[?\s*(\d+) 0 R/.exec(objectText(text, objectWith(text, /\/Type \/Page\b/)))![1]);
    const pageContent = streamDataRange(text, pageContentNumber);
    const byteRangeEnd = text.indexOf(']', text.indexOf('/ByteRange'));
    const trailerSpace = text.indexOf(' ', text.lastIndexOf('trailer'));
    const positions: [string, number, (b: number) => number][] = [
      ['header (binary comment)', 10, (b) => b ^ 0x01],
      ['page content stream', (pageContent.start + pageContent.end) >> 1, (b) => b ^ 0x01],
      ['credential.jwt attachment', (attachment.start + attachment.end) >> 1, (b) => b ^ 0x01],
      ['padding inside /ByteRange', byteRangeEnd - 1, swapWhitespace],
      ['last byte before /Contents', contentsStart - 1, swapWhitespace],
      ['first byte after /Contents', contentsEnd, swapWhitespace],
      ['trailer', trailerSpace, swapWhitespace],
      ['last byte of the file', sealed.length - 1, (b) => b ^ 0x01],
    ];
    expect(positions.every(([, at]) => at > 0 && (at < contentsStart || at >= contentsEnd))).toBe(true);
    for (const [where, at, change] of positions) {
      const tampered = sealed.slice();
      tampered[at] = change(tampered[at]!);
      expect(tampered[at], where).not.toBe(sealed[at]);
      const out = pdfsig(write('tampered.pdf', tampered), trustedNss);
      expect(out.match(/^Signature #\d+:/gm), where).toHaveLength(1);
      expect(out, where).toContain('  - Signature Validation: Digest Mismatch.\n');
      expect(out, where).not.toContain('Signature is Valid.');
    }
  });

  it('reports an invalid signature when the signature value itself is changed', () => {
    const { contentsEnd } = signatureSlots(sealed);
    const tampered = sealed.slice();
    const at = contentsEnd - 1 - 40; // inside the RSA signature, the last field of the CMS
    tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30;
    const out = pdfsig(write('bad-signature.pdf', tampered), trustedNss);
    expect(out).toContain('  - Signature Validation: Signature is Invalid.\n');
  });
});

describe('sealPdf: the CMS, checked with OpenSSL', () => {
  it('verifies as a detached CMS over the byte ranges against the dev CA', () => {
    const { signedData, cms } = signatureSlots(sealed);
    const good = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', write('sig.der', cms), '-content', write('data.bin', signedData), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null']);
    expect(good.stderr).toContain('Verification successful');
    expect(good.status).toBe(0);

    const changed = signedData.slice();
    const middle = changed.length >> 1;
    changed[middle] = changed[middle]! ^ 0x01;
    const bad = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', write('changed.bin', changed), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('content verify error');
  });

  it('does not verify against another CA', async () => {
    const other = await generateSealChain();
    const { signedData, cms } = signatureSlots(sealed);
    const result = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', write('sig.der', cms), '-content', write('data.bin', signedData), '-CAfile', write('other-ca.pem', other.caCertPem), '-purpose', 'any', '-out', '/dev/null']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('certificate verify error');
  });

  it('carries the CAdES baseline signed attributes and the seal certificate + chain', () => {
    const { signedData, cms } = signatureSlots(sealed);
    const parsed = openssl(['asn1parse', '-inform', 'DER', '-in', write('sig.der', cms)]).stdout.split('\n');
    const octetsAfter = (label: string) => {
      const at = parsed.findIndex((line) => line.endsWith(`:${label}`));
      expect(at, label).toBeGreaterThan(0);
      const line = parsed.slice(at).find((l) => l.includes('prim: OCTET STRING'))!;
      return line.slice(line.indexOf('[HEX DUMP]:') + 11).toLowerCase();
    };
    const objects = parsed.filter((l) => l.includes('prim: OBJECT')).map((l) => l.slice(l.lastIndexOf(':') + 1));
    expect(objects).toContain('contentType');
    expect(objects).not.toContain('signingTime');
    expect(octetsAfter('messageDigest')).toBe(createHash('sha256').update(signedData).digest('hex'));
    expect(octetsAfter('id-smime-aa-signingCertificateV2')).toBe(createHash('sha256').update(pemToDer(chain.sealCertPem)).digest('hex'));
    expect(objects.filter((o) => o === 'pkcs7-signedData')).toHaveLength(1);
    expect(objects.filter((o) => o === 'messageDigest')).toHaveLength(1);

    const certs = openssl(['pkcs7', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-print_certs']).stdout;
    const pems = [...certs.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => m[0].replace(/\s+/g, ''));
    expect(pems).toEqual([chain.sealCertPem, chain.caCertPem].map((p) => p.trim().replace(/\s+/g, '')));
  });
});

describe('sealPdf: the document', () => {
  it('certifies the document: catalog /Perms /DocMDP points at the one signature, with P 1', () => {
    const text = latin1(sealed);
    const rootNumber = Number(/trailer\s*<<[\s\S]*?\/Root (\d+) 0 R/.exec(text)![1]);
    const catalog = objectText(text, rootNumber);
    const perms = /\/Perms\s*<<\s*\/DocMDP (\d+) 0 R\s*>>/.exec(catalog);
    expect(perms).not.toBeNull();
    const signatureNumber = Number(perms![1]);
    expect(objectWith(text, /\/Type \/Sig\b/)).toBe(signatureNumber);
    expect(text.match(/\/Type \/Sig\b/g)).toHaveLength(1);
    expect(text.match(/\/FT \/Sig\b/g)).toHaveLength(1);
    expect(text.match(/\/ByteRange\b/g)).toHaveLength(1);

    const signature = objectText(text, signatureNumber);
    expect(signature).toMatch(/\/Filter \/Adobe\.PPKLite\b/);
    expect(signature).toMatch(/\/SubFilter \/ETSI\.CAdES\.detached\b/);
    expect(signature).toContain('/M (D:20250314092653Z)');
    const reference = /\/Reference\s*\[\s*<<([\s\S]*)>>\s*\]/.exec(signature)![1]!;
    expect(reference).toMatch(/\/Type \/SigRef\b/);
    expect(reference).toMatch(/\/TransformMethod \/DocMDP\b/);
    expect(reference).toMatch(/\/TransformParams\s*<<[^>]*\/Type \/TransformParams\b[^>]*>>/);
    expect(/\/TransformParams\s*<<([^>]*)>>/.exec(reference)![1]).toMatch(/\/P 1\s[\s\S]*\/V \/1\.2\b/);

    const acroForm = /\/AcroForm\s*<<([^>]*)>>/.exec(catalog)![1]!;
    expect(acroForm).toMatch(/\/SigFlags 3\b/);
    // one revision: the signature covers the file as written, no later update
    expect(text.match(/%%EOF/g)).toHaveLength(1);
  });

  it('keeps the attachment, the text and the metadata', () => {
    const list = run('pdfdetach', ['-list', sealedPath]).stdout;
    expect(list).toContain('1 embedded files');
    expect(list).toContain('1: credential.jwt');
    const saved = join(dir, 'credential.jwt');
    run('pdfdetach', ['-save', '1', '-o', saved, sealedPath]);
    expect(readFileSync(saved, 'utf8')).toBe(JWT);

    const text = run('pdftotext', [sealedPath, '-']).stdout;
    for (const line of TEXT_LINES) expect(text).toContain(line);

    const info = (path: string) => {
      const fields = new Map(run('pdfinfo', [path], { TZ: 'UTC' }).stdout.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
      return ['Title', 'Subject', 'Keywords', 'Author', 'Creator', 'Producer', 'CreationDate', 'ModDate', 'Pages'].map((k) => [k, fields.get(k)]);
    };
    const before = info(join(dir, 'unsealed.pdf'));
    expect(before.find(([k]) => k === 'Title')![1]).toBe('Uittreksel Diplomaregister');
    expect(info(sealedPath)).toEqual(before);
  });

  it('seals an unsaved pdf-lib document in one save (sealPdfDocument)', async () => {
    const bytes = await sealPdfDocument(await buildExtract(), key, { signingTime: SIGNING_TIME });
    const path = write('sealed-doc.pdf', bytes);
    const out = pdfsig(path, trustedNss);
    expect(out.match(/^Signature #\d+:/gm)).toHaveLength(1);
    expect(out).toContain('  - Signature Validation: Signature is Valid.\n');
    expect(out).toContain('  - Total document signed\n');
    expect(run('pdfdetach', ['-list', path]).stdout).toContain('1: credential.jwt');
  });

  it('refuses to seal a PDF that is already signed', async () => {
    await expect(sealPdf(sealed, key, { signingTime: SIGNING_TIME })).rejects.toMatchObject({ code: 'SEAL_PDF_UNSUPPORTED' });
  });
});

describe('importSealKey', () => {
  it('rejects a private key that does not belong to the certificate', async () => {
    const other = await generateSealChain();
    const error = await importSealKey({ certPem: chain.sealCertPem, keyPem: other.sealKeyPem }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SealError);
    expect((error as SealError).code).toBe('SEAL_KEY_MISMATCH');
  });

  it('rejects input without a certificate or a PKCS#8 key', async () => {
    await expect(importSealKey({ certPem: 'nothing', keyPem: chain.sealKeyPem })).rejects.toMatchObject({ code: 'SEAL_KEY_INVALID' });
    await expect(importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealCertPem })).rejects.toMatchObject({ code: 'SEAL_KEY_INVALID' });
  });
});

// --- helpers -------------------------------------------------------------------------------

async function buildExtract(): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  doc.setTitle('Uittreksel Diplomaregister');
  doc.setAuthor('Diplomaregister');
  doc.setSubject('Diploma extract with the credential attached as credential.jwt');
  doc.setKeywords(['diploma', 'credential.jwt']);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  TEXT_LINES.forEach((line, i) => page.drawText(line, { x: 56, y: 780 - i * 20, size: 12, font }));
  await doc.attach(new TextEncoder().encode(JWT), 'credential.jwt', { mimeType: 'application/vc+jwt', description: 'Verifiable credential' });
  return doc;
}

const REQUIRED_PACKAGE: Record<string, string> = { certutil: 'libnss3-tools', openssl: 'openssl', pdfsig: 'poppler-utils', pdfdetach: 'poppler-utils', pdftotext: 'poppler-utils', pdfinfo: 'poppler-utils' };

function run(command: string, args: string[], env: Record<string, string> = {}, allowFailure = false) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.error) throw new Error(`${command} failed to start (install the Debian package ${REQUIRED_PACKAGE[command]}): ${result.error.message}`);
  if (result.status !== 0 && !allowFailure) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result;
}

function openssl(args: string[]) {
  return run('openssl', args, {}, true);
}

/** pdfsig exits 0 for invalid signatures too; the verdict is in its output. */
function pdfsig(path: string, nssDir: string): string {
  return run('pdfsig', ['-nssdir', nssDir, path], { TZ: 'UTC' }, true).stdout;
}

function newNssDatabase(name: string): string {
  const path = join(dir, `nss-${name}`);
  mkdirSync(path);
  run('certutil', ['-N', '-d', `sql:${path}`, '--empty-password']);
  return `sql:${path}`;
}

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** The /ByteRange and /Contents as written, found in the file bytes (not through our code). */
function signatureSlots(pdf: Uint8Array) {
  const text = latin1(pdf);
  const all = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  expect(all).toHaveLength(1);
  const ranges = all[0]!.slice(1, 5).map(Number) as [number, number, number, number];
  expect(ranges[0]).toBe(0);
  const [, contentsStart, contentsEnd] = ranges;
  expect(text[contentsStart]).toBe('<');
  expect(text[contentsEnd - 1]).toBe('>');
  expect(text.slice(contentsStart - '/Contents '.length, contentsStart)).toBe('/Contents ');
  const contents = Buffer.from(text.slice(contentsStart + 1, contentsEnd - 1), 'hex');
  // DER SEQUENCE with a long-form length; anything after it would be zero padding
  expect(contents[0]).toBe(0x30);
  const lengthBytes = contents[1]! & 0x7f;
  const derLength = 2 + lengthBytes + contents.subarray(2, 2 + lengthBytes).reduce((n, b) => n * 256 + b, 0);
  expect(contents.subarray(derLength).every((b) => b === 0)).toBe(true);
  const signedData = Buffer.concat([pdf.subarray(ranges[0], ranges[0] + ranges[1]), pdf.subarray(ranges[2], ranges[2] + ranges[3])]);
  return { ranges, contentsStart, contentsEnd, cms: contents.subarray(0, derLength), signedData };
}

function objectSpan(text: string, objectNumber: number): { start: number; end: number } {
  const header = new RegExp(`(?:^|\\n)(${objectNumber} 0 obj)\\b`).exec(text);
  expect(header, `object ${objectNumber}`).not.toBeNull();
  const start = header!.index + header![0].length - header![1]!.length;
  return { start, end: text.indexOf('endobj', start) };
}

function objectText(text: string, objectNumber: number): string {
  const { start, end } = objectSpan(text, objectNumber);
  return text.slice(start, end);
}

function objectWith(text: string, pattern: RegExp): number {
  const at = pattern.exec(text)!.index;
  const header = [...text.slice(0, at).matchAll(/(?:^|\n)(\d+) 0 obj\b/g)].pop()!;
  return Number(header[1]);
}

function streamDataRange(text: string, objectNumber: number): { start: number; end: number } {
  const object = objectSpan(text, objectNumber);
  const keyword = /stream\r?\n/.exec(text.slice(object.start, object.end))!;
  const start = object.start + keyword.index + keyword[0].length;
  const end = text.indexOf('endstream', start);
  expect(end - start).toBeGreaterThan(10);
  return { start, end };
}

function swapWhitespace(byte: number): number {
  if (byte === 0x20) return 0x0a;
  if (byte === 0x0a) return 0x20;
  throw new Error(`not a whitespace byte: ${byte}`);
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
