// The PDF seal (DESIGN §5): one PAdES certification signature (DocMDP P=1, no changes permitted)
// covering the whole file, made with the organisation seal certificate.
//
// pdf-lib writes the document once with the signature dictionary holding placeholders (a
// fixed-width /ByteRange and a zero-filled /Contents of the exact CMS size); we then find that
// dictionary through the cross-reference table, fill in the /ByteRange, hash the two ranges and
// write the CMS into /Contents. No incremental update: the file has a single revision, so the
// signature covers all of it except its own /Contents.
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, ParseSpeeds } from 'pdf-lib';
import { SealError, cadesSignatureLength, signCadesDetached, type SealKey } from './cms.ts';
import { indexOfBytes, latin1 } from '../lib/bytes.ts';

export { SealError, importSealKey, type SealErrorCode, type SealKey } from './cms.ts';

export interface SealOptions {
  /** goes into the signature dictionary as /M (PAdES keeps signingTime out of the CMS) */
  signingTime: Date;
  reason?: string;
  location?: string;
  /** /Name: the signer as text; readers show the certificate's subject anyway */
  name?: string;
  contactInfo?: string;
}

/** Seals a finished PDF (e.g. pdf-lib `save()` output). Attachments and metadata are kept as they are. */
export async function sealPdf(pdf: Uint8Array, key: SealKey, opts: SealOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  return sealPdfDocument(doc, key, opts);
}

/**
 * Seals a pdf-lib document that has not been saved yet, saving it once (saves a load + save
 * over `sealPdf`). The document is changed (signature field added) and must not be reused.
 */
export async function sealPdfDocument(doc: PDFDocument, key: SealKey, opts: SealOptions): Promise<Uint8Array> {
  const contentsLength = await cadesSignatureLength(key);
  const signatureRef = addCertificationSignature(doc, contentsLength, opts);
  const bytes = await doc.save({ useObjectStreams: false, objectsPerTick: Infinity, addDefaultPage: false });

  const slots = findSignatureSlots(bytes, signatureRef.objectNumber, contentsLength);
  const byteRange = [0, slots.contentsStart, slots.contentsEnd, bytes.length - slots.contentsEnd];
  writeByteRange(bytes, slots, byteRange);

  const signedBytes = new Uint8Array(slots.contentsStart + (bytes.length - slots.contentsEnd));
  signedBytes.set(bytes.subarray(0, slots.contentsStart), 0);
  signedBytes.set(bytes.subarray(slots.contentsEnd), slots.contentsStart);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', signedBytes));
  const cms = await signCadesDetached(digest, key);
  if (cms.length > contentsLength) {
    throw new SealError('SEAL_SIGNATURE_TOO_LARGE', `the signature (${cms.length} bytes) does not fit the ${contentsLength}-byte /Contents`);
  }
  writeHex(bytes, slots.contentsStart + 1, cms);
  return bytes;
}

const BYTE_RANGE_PLACEHOLDER = 9_999_999_999; // ten digits wide: room for any real offset

function addCertificationSignature(doc: PDFDocument, contentsLength: number, opts: SealOptions): PDFRef {
  const { context, catalog } = doc;
  const firstPage = doc.getPages()[0];
  if (!firstPage) throw new SealError('SEAL_PDF_UNSUPPORTED', 'the PDF has no pages');
  if (catalog.has(PDFName.of('Perms'))) throw new SealError('SEAL_PDF_UNSUPPORTED', 'the PDF already has a /Perms entry (certified before)');
  const acroForm = catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  const fields = acroForm?.lookupMaybe(PDFName.of('Fields'), PDFArray);
  const fieldNames = new Set<string>();
  for (const field of fields?.asArray() ?? []) {
    const dict = context.lookupMaybe(field, PDFDict);
    if (!dict) continue;
    if (dict.get(PDFName.of('FT')) === PDFName.of('Sig')) throw new SealError('SEAL_PDF_UNSUPPORTED', 'the PDF already has a signature field');
    const name = dict.lookupMaybe(PDFName.of('T'), PDFString, PDFHexString);
    if (name) fieldNames.add(name.decodeText());
  }
  let fieldName = 'Seal';
  for (let n = 2; fieldNames.has(fieldName); n++) fieldName = `Seal${n}`;

  const text = (value: string | undefined) => (value === undefined ? undefined : PDFHexString.fromText(value));
  const signatureRef = context.register(
    context.obj({
      Type: 'Sig',
      Filter: 'Adobe.PPKLite',
      SubFilter: 'ETSI.CAdES.detached',
      ByteRange: [0, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER],
      Contents: PDFHexString.of('0'.repeat(contentsLength * 2)),
      Reference: [{ Type: 'SigRef', TransformMethod: 'DocMDP', TransformParams: { Type: 'TransformParams', P: 1, V: '1.2' } }],
      M: PDFString.fromDate(opts.signingTime),
      Name: text(opts.name),
      Reason: text(opts.reason),
      Location: text(opts.location),
      ContactInfo: text(opts.contactInfo),
    }),
  );
  // Invisible: zero-size rectangle, Print + Locked flags; field and widget in one dictionary.
  const widgetRef = context.register(
    context.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Sig',
      T: PDFString.of(fieldName),
      V: signatureRef,
      F: 132,
      Rect: [0, 0, 0, 0],
      P: firstPage.ref,
    }),
  );
  const annots = firstPage.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
  if (annots) annots.push(widgetRef);
  else firstPage.node.set(PDFName.of('Annots'), context.obj([widgetRef]));
  if (acroForm) {
    if (fields) fields.push(widgetRef);
    else acroForm.set(PDFName.of('Fields'), context.obj([widgetRef]));
    acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3)); // SignaturesExist | AppendOnly
  } else {
    catalog.set(PDFName.of('AcroForm'), context.obj({ Fields: [widgetRef], SigFlags: 3 }));
  }
  catalog.set(PDFName.of('Perms'), context.obj({ DocMDP: signatureRef }));
  return signatureRef;
}

interface SignatureSlots {
  /** offsets of '[' and ']' of the /ByteRange array */
  byteRangeStart: number;
  byteRangeEnd: number;
  /** offset of '<' of /Contents and one past its '>' */
  contentsStart: number;
  contentsEnd: number;
}

const ascii = new TextEncoder();

/** Locates the placeholders of object `objectNumber` via the classic xref table pdf-lib wrote. */
function findSignatureSlots(bytes: Uint8Array, objectNumber: number, contentsLength: number): SignatureSlots {
  const objectStart = xrefOffsetOf(bytes, objectNumber);
  const header = ascii.encode(`${objectNumber} 0 obj`);
  if (indexOfBytes(bytes, header, objectStart) !== objectStart) throw layoutError('the xref entry does not point at the signature dictionary');
  const objectEnd = indexOfBytes(bytes, ascii.encode('endobj'), objectStart);
  const byteRangeKey = indexOfBytes(bytes, ascii.encode('/ByteRange'), objectStart, objectEnd);
  const byteRangeStart = indexOfBytes(bytes, ascii.encode('['), byteRangeKey, objectEnd);
  const byteRangeEnd = indexOfBytes(bytes, ascii.encode(']'), byteRangeStart, objectEnd);
  const contentsKey = indexOfBytes(bytes, ascii.encode('/Contents'), objectStart, objectEnd);
  const contentsStart = indexOfBytes(bytes, ascii.encode('<'), contentsKey, objectEnd);
  const contentsEnd = contentsStart + 2 * contentsLength + 2;
  if (byteRangeKey < 0 || byteRangeStart < 0 || byteRangeEnd < 0 || contentsKey < 0 || contentsStart < 0 || bytes[contentsEnd - 1] !== 0x3e) {
    throw layoutError('signature placeholders not found');
  }
  return { byteRangeStart, byteRangeEnd, contentsStart, contentsEnd };
}

function xrefOffsetOf(bytes: Uint8Array, objectNumber: number): number {
  const tail = latin1(bytes, Math.max(0, bytes.length - 64), bytes.length);
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!startxref) throw layoutError('no startxref');
  const xrefStart = Number(startxref[1]);
  const trailer = indexOfBytes(bytes, ascii.encode('trailer'), xrefStart);
  const table = latin1(bytes, xrefStart, trailer < 0 ? bytes.length : trailer);
  const tokens = table.trim().split(/\s+/);
  if (tokens[0] !== 'xref') throw layoutError('no classic xref table');
  for (let i = 1; i + 1 < tokens.length; ) {
    const first = Number(tokens[i]);
    const count = Number(tokens[i + 1]);
    i += 2;
    if (objectNumber >= first && objectNumber < first + count) {
      const entry = i + 3 * (objectNumber - first);
      if (tokens[entry + 2] !== 'n') throw layoutError('the signature dictionary is not in use in the xref table');
      return Number(tokens[entry]);
    }
    i += 3 * count;
  }
  throw layoutError('the signature dictionary is missing from the xref table');
}

function writeByteRange(bytes: Uint8Array, slots: SignatureSlots, byteRange: number[]): void {
  const width = slots.byteRangeEnd - slots.byteRangeStart + 1;
  const value = `[${byteRange.join(' ')}`;
  if (value.length + 1 > width) throw layoutError('the /ByteRange does not fit its placeholder');
  bytes.set(ascii.encode(value.padEnd(width - 1, ' ') + ']'), slots.byteRangeStart);
}

const HEX_DIGITS = ascii.encode('0123456789abcdef');

function writeHex(bytes: Uint8Array, offset: number, data: Uint8Array): void {
  for (let i = 0; i < data.length; i++) {
    bytes[offset + 2 * i] = HEX_DIGITS[data[i]! >> 4]!;
    bytes[offset + 2 * i + 1] = HEX_DIGITS[data[i]! & 15]!;
  }
}

function layoutError(detail: string): SealError {
  return new SealError('SEAL_PDF_UNSUPPORTED', `cannot place the seal: ${detail}`);
}
