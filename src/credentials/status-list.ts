// W3C Bitstring Status List v1.0: the bitstring, its multibase(GZIP) encoding, the status list
// credential and the entries that point into it. Index 0 is the most significant (left-most) bit
// of the first byte.
// jose's base64url (Web APIs only) also decodes, which lib/bytes does not
import { base64url } from 'jose';
import { VC_V2_CONTEXT_URL } from './context.ts';
import { concatBytes } from '../lib/bytes.ts';
import { RegisterError } from '../errors.ts';

/** The spec's minimum number of entries (16 KiB uncompressed); also the size of our lists. */
export const STATUS_LIST_SIZE = 131_072;
/** Decompressed lists larger than this are refused: a few bytes of GZIP can expand enormously. */
export const STATUS_LIST_MAX_BYTES = 16 * 1024 * 1024;

export type StatusPurpose = 'revocation' | 'suspension';

export const STATUS_LIST_ERROR_CODES = [
  /** the list has fewer than STATUS_LIST_SIZE entries (the spec's STATUS_LIST_LENGTH_ERROR) */
  'STATUS_LIST_LENGTH_ERROR',
  /** not multibase base64url, not GZIP, or larger than STATUS_LIST_MAX_BYTES */
  'STATUS_LIST_ENCODING_ERROR',
  /** an index outside the list (VCDM 2.0 RANGE_ERROR) */
  'STATUS_LIST_RANGE_ERROR',
  /** no free index is left */
  'STATUS_LIST_FULL',
] as const;
export type StatusListErrorCode = (typeof STATUS_LIST_ERROR_CODES)[number];

export class StatusListError extends RegisterError {
  static readonly codes = STATUS_LIST_ERROR_CODES;
  override readonly code: StatusListErrorCode;
  constructor(code: StatusListErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export class Bitstring {
  readonly bytes: Uint8Array;

  /** A zeroed list of `lengthInBits` entries (a multiple of 8), or a view over existing bytes. */
  constructor(lengthOrBytes: number | Uint8Array = STATUS_LIST_SIZE) {
    if (typeof lengthOrBytes === 'number') {
      if (!Number.isInteger(lengthOrBytes) || lengthOrBytes <= 0 || lengthOrBytes % 8 !== 0) {
        throw new RangeError('a bitstring length must be a positive multiple of 8');
      }
      this.bytes = new Uint8Array(lengthOrBytes / 8);
    } else {
      this.bytes = lengthOrBytes;
    }
  }

  get length(): number {
    return this.bytes.length * 8;
  }

  get(index: number): boolean {
    this.checkIndex(index);
    return (this.bytes[index >>> 3]! & (0x80 >>> (index & 7))) !== 0;
  }

  set(index: number, value: boolean): void {
    this.checkIndex(index);
    const mask = 0x80 >>> (index & 7);
    if (value) this.bytes[index >>> 3]! |= mask;
    else this.bytes[index >>> 3]! &= ~mask;
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new StatusListError('STATUS_LIST_RANGE_ERROR', `index ${index} is outside the list of ${this.length} entries`);
    }
  }
}

function checkMinimumLength(bytes: Uint8Array): void {
  if (bytes.length * 8 < STATUS_LIST_SIZE) {
    throw new StatusListError(
      'STATUS_LIST_LENGTH_ERROR',
      `a status list needs at least ${STATUS_LIST_SIZE} entries; this one has ${bytes.length * 8}`,
    );
  }
}

/** multibase base64url ('u', no padding) of the GZIP of the bitstring. */
export async function encodeStatusList(bits: Uint8Array): Promise<string> {
  checkMinimumLength(bits);
  const gzipped = await readAll(new Blob([bits as BlobPart]).stream().pipeThrough(new CompressionStream('gzip')));
  return `u${base64url.encode(gzipped)}`;
}

export async function decodeStatusList(encoded: string): Promise<Uint8Array> {
  if (typeof encoded !== 'string' || !/^u[A-Za-z0-9_-]+$/.test(encoded)) {
    throw new StatusListError('STATUS_LIST_ENCODING_ERROR', "encodedList must be multibase base64url (a 'u' prefix, no padding)");
  }
  let gzipped: Uint8Array;
  try {
    gzipped = base64url.decode(encoded.slice(1));
  } catch {
    throw new StatusListError('STATUS_LIST_ENCODING_ERROR', 'encodedList is not valid base64url');
  }
  let bits: Uint8Array;
  try {
    bits = await readAll(new Blob([gzipped as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip')), STATUS_LIST_MAX_BYTES);
  } catch (error) {
    if (error instanceof StatusListError) throw error;
    throw new StatusListError('STATUS_LIST_ENCODING_ERROR', 'encodedList is not valid GZIP');
  }
  checkMinimumLength(bits);
  return bits;
}

async function readAll(stream: ReadableStream<Uint8Array>, maxBytes = Infinity): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new StatusListError('STATUS_LIST_ENCODING_ERROR', `the decompressed list is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

/** Where a credential's status lives: the list credential's URL and the entry's index in it. */
export interface StatusListEntryRef {
  listUrl: string;
  index: number;
}

export interface BitstringStatusListEntry {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  /** a decimal string, as the spec requires */
  statusListIndex: string;
  statusListCredential: string;
}

export function buildStatusListEntry(purpose: StatusPurpose, ref: StatusListEntryRef): BitstringStatusListEntry {
  if (!Number.isInteger(ref.index) || ref.index < 0) {
    throw new StatusListError('STATUS_LIST_RANGE_ERROR', `a status list index must be a non-negative integer, got ${ref.index}`);
  }
  if (!URL.canParse(ref.listUrl)) throw new TypeError(`statusListCredential must be a URL, got ${ref.listUrl}`);
  return {
    id: `${ref.listUrl}#${ref.index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(ref.index),
    statusListCredential: ref.listUrl,
  };
}

export interface StatusListCredentialInput {
  /** the URL the list credential is served at */
  id: string;
  issuerDid: string;
  purpose: StatusPurpose;
  /** from encodeStatusList */
  encodedList: string;
  validFrom: Date;
  /** how long a verifier may cache the list, in milliseconds (the spec's `ttl` unit) */
  ttlMs: number;
  /** the whole @context list; defaults to the VC 2.0 context alone (it defines the status terms) */
  contextUrls?: string[];
}

export interface BitstringStatusListCredential {
  '@context': string[];
  id: string;
  type: ['VerifiableCredential', 'BitstringStatusListCredential'];
  issuer: string;
  validFrom: string;
  credentialSubject: {
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: StatusPurpose;
    encodedList: string;
    ttl: number;
  };
}

export function buildStatusListCredential(input: StatusListCredentialInput): BitstringStatusListCredential {
  const context = input.contextUrls ?? [VC_V2_CONTEXT_URL];
  if (context[0] !== VC_V2_CONTEXT_URL) throw new TypeError(`@context must start with ${VC_V2_CONTEXT_URL}`);
  if (!Number.isInteger(input.ttlMs) || input.ttlMs <= 0) throw new TypeError('ttlMs must be a positive integer');
  if (!URL.canParse(input.id)) throw new TypeError(`a status list credential id must be a URL, got ${input.id}`);
  return {
    '@context': [...context],
    id: input.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.issuerDid,
    validFrom: isoSeconds(input.validFrom),
    credentialSubject: {
      id: `${input.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: input.purpose,
      encodedList: input.encodedList,
      ttl: input.ttlMs,
    },
  };
}

/** An XML Schema dateTimeStamp in UTC, to the second. */
export function isoSeconds(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError('invalid date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
