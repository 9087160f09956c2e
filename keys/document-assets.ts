// Node side of document production: font files from src/documents/fonts and the seal key from
// keys/seal, read once and prepared for every extract; and the earlier seal certificates the
// verifier still trusts after a renewal (SEAL_PREVIOUS_CERTS).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../src/config.ts';
import { documentFontFiles, prepareDocumentAssets, type PreparedAssets } from '../src/documents/extract-pdf.ts';
import { importSealKey, type SealKey } from '../src/documents/pdf-seal.ts';
import { parseCertificate } from '../src/documents/cms.ts';

const fontsDir = new URL('../src/documents/fonts/', import.meta.url);

export function loadDocumentAssets(): Promise<PreparedAssets> {
  return prepareDocumentAssets({
    regular: new Uint8Array(readFileSync(fileURLToPath(new URL(documentFontFiles.regular, fontsDir)))),
    bold: new Uint8Array(readFileSync(fileURLToPath(new URL(documentFontFiles.bold, fontsDir)))),
  });
}

export function loadSealKey(paths: { sealCertPath: string; sealKeyPath: string; caCertPath: string }): Promise<SealKey> {
  return importSealKey({
    certPem: readFileSync(paths.sealCertPath, 'utf8'),
    keyPem: readFileSync(paths.sealKeyPath, 'utf8'),
    chainPems: [readFileSync(paths.caCertPath, 'utf8')],
  });
}

/**
 * The seal certificates used before the current one, from a PEM file of one or more CERTIFICATE
 * blocks (text around the blocks is allowed, as openssl writes it). Each must be exactly one
 * X.509 certificate in DER; anything else in the file, or an unreadable or empty file, is a
 * ConfigError: a certificate that silently fails to load would turn genuine extracts "Niet echt".
 */
export function loadPreviousSealCertificates(path: string): Uint8Array[] {
  const problem = (why: string) => new ConfigError([`SEAL_PREVIOUS_CERTS: ${path}: ${why}`]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw problem(`cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const blocks = [...text.matchAll(/-----BEGIN ([^-\r\n]*)-----([\s\S]*?)-----END ([^-\r\n]*)-----/g)];
  if (blocks.length !== (text.match(/-----BEGIN /g) ?? []).length) throw problem('a PEM block has no matching END line');
  if (blocks.length === 0) throw problem('holds no PEM "CERTIFICATE" block');
  return blocks.map(([, label, body, endLabel], i) => {
    const which = `block ${i + 1}`;
    if (endLabel !== label) throw problem(`${which} begins "${label}" but ends "${endLabel}"`);
    if (label !== 'CERTIFICATE') throw problem(`${which} is "${label}", not "CERTIFICATE" (only certificates belong in this file)`);
    const base64 = body!.replace(/\s+/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64) || base64.length === 0) throw problem(`${which} is not valid base64`);
    const der = new Uint8Array(Buffer.from(base64, 'base64'));
    try {
      parseCertificate(der);
    } catch (err) {
      throw problem(`${which} is ${(err as Error).message}`);
    }
    return der;
  });
}
