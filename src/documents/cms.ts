// The organisation seal as a CAdES detached signature: a CMS SignedData over a SHA-256 digest of
// content kept elsewhere (the PDF byte ranges), signed with the seal key (RSASSA-PKCS1-v1_5).
// Signed attributes are the CAdES baseline B-B set: contentType, messageDigest and
// signingCertificateV2. No signingTime: PAdES puts the time in the signature dictionary (/M).
// Web APIs only; ASN.1 via pkijs/asn1js.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { RegisterError } from '../errors.ts';

export interface SealKey {
  /** the seal certificate (DER) */
  certificateDer: Uint8Array;
  /** intermediates (and optionally the root) that go into the signature for path building (DER) */
  chainDer: Uint8Array[];
  /** RSASSA-PKCS1-v1_5 / SHA-256 private key of the seal certificate, not extractable */
  privateKey: CryptoKey;
  /** the signature template, made once by importSealKey (see PreparedKey) */
  readonly prepared: PreparedKey;
}

export const SEAL_ERROR_CODES = ['SEAL_KEY_INVALID', 'SEAL_KEY_MISMATCH', 'SEAL_PDF_UNSUPPORTED', 'SEAL_SIGNATURE_TOO_LARGE'] as const;
export type SealErrorCode = (typeof SEAL_ERROR_CODES)[number];

export class SealError extends RegisterError {
  static readonly codes = SEAL_ERROR_CODES;
  override readonly code: SealErrorCode;
  constructor(code: SealErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
} as const;

const rsaSha256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** Parses the PEMs and imports the private key once; reuse the result for every seal. */
export async function importSealKey(input: { certPem: string; keyPem: string; chainPems?: string[] }): Promise<SealKey> {
  const certificates = pemBlocks(input.certPem, 'CERTIFICATE');
  if (certificates.length !== 1) throw new SealError('SEAL_KEY_INVALID', `expected one seal certificate in certPem, found ${certificates.length}`);
  const keyBlocks = pemBlocks(input.keyPem, 'PRIVATE KEY');
  if (keyBlocks.length !== 1) throw new SealError('SEAL_KEY_INVALID', 'expected one PKCS#8 "PRIVATE KEY" block in keyPem');
  const chainDer = (input.chainPems ?? []).flatMap((pem) => pemBlocks(pem, 'CERTIFICATE'));
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey('pkcs8', keyBlocks[0] as BufferSource, rsaSha256, false, ['sign']);
  } catch (cause) {
    throw new SealError('SEAL_KEY_INVALID', `the seal key is not an RSA PKCS#8 key: ${String(cause)}`);
  }
  const parts = { certificateDer: certificates[0]!, chainDer, privateKey };
  await assertKeyMatchesCertificate(parts);
  // parses the chain now, so a bad certificate fails here and not at the first seal
  return { ...parts, prepared: await prepareKey(parts) };
}

/** Exact DER length of every signature this key makes (all fields are fixed-size). */
export async function cadesSignatureLength(key: SealKey): Promise<number> {
  return (await prepare(key)).template.length;
}

/** A DER ContentInfo(SignedData), detached, over content whose SHA-256 digest is `contentDigest`. */
export async function signCadesDetached(contentDigest: Uint8Array, key: SealKey): Promise<Uint8Array> {
  if (contentDigest.length !== 32) throw new TypeError('contentDigest must be a SHA-256 digest (32 bytes)');
  const { template, digestOffset, signedAttributes, signatureOffset, signatureLength } = await prepare(key);
  const cms = template.slice();
  cms.set(contentDigest, digestOffset);
  // The signature covers the signed attributes DER-encoded as a SET OF (RFC 5652 §5.4), i.e. the
  // [0] IMPLICIT block with its tag byte changed to SET.
  const toBeSigned = cms.slice(signedAttributes.start, signedAttributes.end);
  toBeSigned[0] = 0x31;
  const signature = new Uint8Array(await crypto.subtle.sign(rsaSha256, key.privateKey, toBeSigned));
  if (signature.length !== signatureLength) throw new SealError('SEAL_KEY_INVALID', `unexpected RSA signature length ${signature.length}`);
  cms.set(signature, signatureOffset);
  return cms;
}

/**
 * Everything in the SignedData but the message digest and the signature value is fixed for a key,
 * and both have a fixed size. So pkijs encodes it once, with marker values, and each seal copies
 * that template and writes the two values at their offsets.
 */
export interface PreparedKey {
  template: Uint8Array;
  digestOffset: number;
  signedAttributes: { start: number; end: number };
  signatureOffset: number;
  signatureLength: number;
}

const prepare = async (key: SealKey): Promise<PreparedKey> => key.prepared;

async function prepareKey(key: Omit<SealKey, 'prepared'>): Promise<PreparedKey> {
  const signer = parseCertificate(key.certificateDer);
  const certificates = [signer, ...key.chainDer.map(parseCertificate)];
  const certHash = new Uint8Array(await crypto.subtle.digest('SHA-256', key.certificateDer as BufferSource));
  const signatureLength = ((key.privateKey.algorithm as RsaHashedKeyAlgorithm).modulusLength + 7) >> 3;
  const digestMarker = crypto.getRandomValues(new Uint8Array(32));
  const signatureMarker = crypto.getRandomValues(new Uint8Array(signatureLength));

  const signedAttributes = sortedForDer([
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: digestMarker })),
    // RFC 5035: SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 { hashAlgorithm
    // DEFAULT sha256 (so omitted in DER), certHash }. No issuerSerial (EN 319 122-1: should not).
    attribute(
      OID.signingCertificateV2,
      new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: certHash })] })] })] }),
    ),
  ]);
  const sha256 = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 });
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttributes });
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
    digestAlgorithm: sha256(),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSAEncryption, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: signatureMarker }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }), // no eContent: detached
    certificates,
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema() });
  const template = new Uint8Array(contentInfo.toSchema().toBER(false));

  const signedAttributesDer = new Uint8Array(signedAttrs.toSchema().toBER(false));
  const signedAttributesStart = uniqueOffset(template, signedAttributesDer);
  return {
    template,
    digestOffset: uniqueOffset(template, digestMarker),
    signedAttributes: { start: signedAttributesStart, end: signedAttributesStart + signedAttributesDer.length },
    signatureOffset: uniqueOffset(template, signatureMarker),
    signatureLength,
  };
}

function uniqueOffset(haystack: Uint8Array, needle: Uint8Array): number {
  const found: number[] = [];
  for (let i = haystack.indexOf(needle[0]!); i !== -1 && i + needle.length <= haystack.length; i = haystack.indexOf(needle[0]!, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) found.push(i);
  }
  if (found.length !== 1) throw new Error(`CMS template: expected one marker, found ${found.length}`);
  return found[0]!;
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** DER orders SET OF members by their encodings (X.690 §11.6). */
function sortedForDer(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }));
  encoded.sort((x, y) => compareDer(x.der, y.der));
  return encoded.map((e) => e.a);
}

function compareDer(x: Uint8Array, y: Uint8Array): number {
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Exactly one X.509 certificate in DER (nothing after it), or SealError SEAL_KEY_INVALID saying why not. */
export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  const invalid = (why: string) => new SealError('SEAL_KEY_INVALID', `not an X.509 certificate (${why})`);
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    // asn1js reports most malformed input in `offset`, but throws on some (a time it cannot read)
    parsed = asn1js.fromBER(der as BufferSource);
  } catch (cause) {
    throw invalid(`malformed DER: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  if (parsed.offset === -1) throw invalid(`malformed DER: ${parsed.result.error}`);
  if (parsed.offset !== der.length) throw invalid('bytes after the certificate');
  try {
    return new pkijs.Certificate({ schema: parsed.result });
  } catch (cause) {
    throw invalid(cause instanceof Error ? cause.message : String(cause));
  }
}

async function assertKeyMatchesCertificate(key: Omit<SealKey, 'prepared'>): Promise<void> {
  const certificate = parseCertificate(key.certificateDer);
  const spki = certificate.subjectPublicKeyInfo.toSchema().toBER(false);
  let publicKey: CryptoKey;
  try {
    publicKey = await crypto.subtle.importKey('spki', spki, rsaSha256, false, ['verify']);
  } catch (cause) {
    throw new SealError('SEAL_KEY_INVALID', `the seal certificate has no RSA public key: ${String(cause)}`);
  }
  const probe = new TextEncoder().encode('seal key check');
  const signature = await crypto.subtle.sign(rsaSha256, key.privateKey, probe);
  if (!(await crypto.subtle.verify(rsaSha256, publicKey, signature, probe))) {
    throw new SealError('SEAL_KEY_MISMATCH', 'the seal private key does not belong to the seal certificate');
  }
}

function pemBlocks(pem: string, label: string): Uint8Array[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+?)-----END ${label}-----`, 'g');
  return [...pem.matchAll(pattern)].map((m) => {
    const binary = atob(m[1]!.replace(/\s+/g, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  });
}
