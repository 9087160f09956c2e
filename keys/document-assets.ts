// Node side of document production: font files from src/documents/fonts and the seal key from
// keys/seal, read once and prepared for every extract.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { documentFontFiles, prepareDocumentAssets, type PreparedAssets } from '../src/documents/extract-pdf.ts';
import { importSealKey, type SealKey } from '../src/documents/pdf-seal.ts';

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
