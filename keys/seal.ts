// The organisation seal: a dev CA and a seal certificate (RSA-2048, SHA-256) for the PDF seal
// (PAdES) and EMREX XML signatures. Production uses a qualified seal from a trust service provider.
import 'reflect-metadata'; // @peculiar/x509 needs it (tsyringe)
import * as x509 from '@peculiar/x509';

const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

export interface SealChain {
  caCertPem: string;
  caKeyPem: string;
  sealCertPem: string;
  sealKeyPem: string;
}

export async function generateSealChain(now = new Date()): Promise<SealChain> {
  x509.cryptoProvider.set(crypto);
  const caKeys = (await crypto.subtle.generateKey(rsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const sealKeys = (await crypto.subtle.generateKey(rsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(now.getTime() - 60_000);
  const caName = 'CN=Diplomaregister Dev CA, O=Diplomaregister (development), C=NL';
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: caName,
    notBefore,
    notAfter: new Date(now.getTime() + 10 * 365 * 86400_000),
    keys: caKeys,
    signingAlgorithm: rsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const seal = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=Diplomaregister Seal (development), O=Diplomaregister (development), C=NL',
    issuer: ca.subject,
    notBefore,
    notAfter: new Date(now.getTime() + 3 * 365 * 86400_000),
    publicKey: sealKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: rsa,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.4', '1.2.840.113583.1.1.5'], false), // emailProtection, Adobe PDF signing
      await x509.SubjectKeyIdentifierExtension.create(sealKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  return {
    caCertPem: ca.toString('pem'),
    caKeyPem: await pkcs8Pem(caKeys.privateKey),
    sealCertPem: seal.toString('pem'),
    sealKeyPem: await pkcs8Pem(sealKeys.privateKey),
  };
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', key));
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  const label = 'PRIVATE KEY'; // PKCS#8
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}
