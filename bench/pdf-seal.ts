// Throughput of the PDF seal on a ~100 KB extract-like PDF (two text pages, a photo-sized image,
// a credential.jwt attachment). Prints numbers; asserts nothing.
//   npx tsx bench/pdf-seal.ts [iterations]
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { generateSealChain } from '../keys/seal.ts';
import { cadesSignatureLength, signCadesDetached } from '../src/documents/cms.ts';
import { importSealKey, sealPdf, sealPdfDocument } from '../src/documents/pdf-seal.ts';

const iterations = Number(process.argv[2] ?? 300);

const chain = await generateSealChain();
const key = await importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealKeyPem, chainPems: [chain.caCertPem] });
const jwt = `eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.${'A'.repeat(2600)}.${'B'.repeat(86)}`;
// Noise does not compress: it stands in for an embedded font subset + QR code by size.
const png = new PNG({ width: 190, height: 160 });
crypto.getRandomValues(png.data.subarray(0, 65536));
crypto.getRandomValues(png.data.subarray(65536));
const noisePng = PNG.sync.write(png);

async function buildExtract(): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  doc.setTitle('Uittreksel Diplomaregister');
  doc.setSubject('credential.jwt: the diploma as a verifiable credential');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const image = await doc.embedPng(noisePng);
  for (let p = 0; p < 2; p++) {
    const page = doc.addPage([595.28, 841.89]);
    if (p === 0) page.drawImage(image, { x: 400, y: 650, width: 140, height: 120 });
    for (let i = 0; i < 40; i++) page.drawText(`Regel ${i + 1}: diploma, kwalificatie, instelling, datum`, { x: 50, y: 790 - i * 18, size: 10, font });
  }
  await doc.attach(new TextEncoder().encode(jwt), 'credential.jwt', { mimeType: 'application/vc+jwt', description: 'Verifiable credential' });
  return doc;
}

const sealOptions = { signingTime: new Date(), reason: 'Uittreksel uit het diplomaregister', location: 'Groningen, NL', name: 'Diplomaregister' };

/** Runs `fn` n times after a warm-up; prints and returns the median and mean time per call. */
async function time(label: string, fn: () => Promise<unknown>, n = iterations): Promise<number> {
  for (let i = 0; i < Math.min(30, n); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return report(label, samples);
}

function report(label: string, samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(`${label.padEnd(48)} median ${median.toFixed(2).padStart(6)} ms  mean ${mean.toFixed(2).padStart(6)} ms  ${(1000 / mean).toFixed(0).padStart(5)} /s`);
  return median;
}

async function concurrent(label: string, fn: () => Promise<unknown>, parallel: number): Promise<void> {
  const n = iterations;
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next++ < n) await fn();
  }));
  const ms = performance.now() - started;
  console.log(`${label.padEnd(52)} ${(ms / n).toFixed(3).padStart(8)} ms   ${((n * 1000) / ms).toFixed(0).padStart(6)} /s`);
}

const unsealed = await (await buildExtract()).save();
const sealed = await sealPdf(unsealed, key, sealOptions);
const plainRewrite = await (await PDFDocument.load(unsealed, { updateMetadata: false })).save({ useObjectStreams: false });
console.log(`node ${process.version}, ${iterations} iterations`);
console.log(`input PDF ${unsealed.length} B (object streams), sealed ${sealed.length} B: +${sealed.length - unsealed.length} B`);
console.log(`  of which: rewrite without object streams +${plainRewrite.length - unsealed.length} B, seal objects +${sealed.length - plainRewrite.length} B (CMS ${await cadesSignatureLength(key)} B, hex-encoded in /Contents)`);
console.log('');

await time('sealPdf(bytes): load + sign + save', () => sealPdf(unsealed, key, sealOptions));
// The PDFDocument path: build + save vs build + seal, interleaved so drift hits both alike.
const plainSamples: number[] = [];
const sealSamples: number[] = [];
for (let i = 0; i < Math.min(iterations, 100) + 10; i++) {
  let doc = await buildExtract();
  let started = performance.now();
  await doc.save();
  if (i >= 10) plainSamples.push(performance.now() - started);
  doc = await buildExtract();
  started = performance.now();
  await sealPdfDocument(doc, key, sealOptions);
  if (i >= 10) sealSamples.push(performance.now() - started);
}
const plainSave = report('PDFDocument: save() (object streams), no seal', plainSamples);
const sealSave = report('PDFDocument: sealPdfDocument(doc) instead', sealSamples);
console.log(`  => the seal adds ${(sealSave - plainSave).toFixed(2)} ms (median) over the save the extract needs anyway`);
const digest = new Uint8Array(32);
await time('  part: CMS SignedData incl. RSA-2048 sign', () => signCadesDetached(digest, key));
await time('  part: RSA-2048 sign only (crypto.subtle)', () => crypto.subtle.sign('RSASSA-PKCS1-v1_5', key.privateKey, digest));
await time('  part: PDFDocument.load', () => PDFDocument.load(unsealed, { updateMetadata: false }));
await time('  part: SHA-256 of the PDF', () => crypto.subtle.digest('SHA-256', sealed as BufferSource));
console.log('');
await concurrent('sealPdf(bytes), 4 in flight (one process)', () => sealPdf(unsealed, key, sealOptions), 4);
