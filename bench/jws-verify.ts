// Per-verification cost of a diploma vc+jwt's JWS, three ways, on the same token:
//   node    verifyCredentialJwt with node:crypto Ed25519 (src/node/ed25519.ts; the Node entry's path)
//   webcr   verifyCredentialJwt with Web Crypto Ed25519 (credentials/ed25519.ts; the Workers path)
//   jose    jose compactVerify with a cached imported key, then the VC rules on top (header rules,
//           JSON.parse of the payload, the shape and period checks), i.e. what a jose-based
//           verifyCredentialJwt would cost
// and the signature step alone, as the verifier runs it after its format check has decoded the
// token (fragments/signature.ts): verifyJwsSignature with node:crypto or Web Crypto (sig-node,
// sig-wc), against jose compactVerify on the same token (sig-jose: it decodes the token again).
// Runs interleaved (node webcr jose node webcr jose …) because the machine is shared; reports the
// median of the rounds and the ratios against `node`.
//   npx tsx bench/jws-verify.ts [N=20000] [rounds=3]
import { performance } from 'node:perf_hooks';
import { compactVerify, importJWK } from 'jose';
import { buildDiplomaCredential } from '../src/credentials/diploma-credential.ts';
import { diplomaContextUrl } from '../src/credentials/context.ts';
import { createWebCryptoEd25519 } from '../src/credentials/ed25519.ts';
import { credentialValidityPeriod, jwsHeaderFindings, signCredential, splitCredentialJwt, verifyCredentialJwt, verifyJwsSignature } from '../src/credentials/vc-jwt.ts';
import { findShapeViolation } from '../src/verification/credential-shape.ts';
import { createNodeEd25519 } from '../src/node/ed25519.ts';
import { generateSigningKey } from '../src/signing-keys/signing-key.ts';
import { machine } from './support.ts';

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const NOW = new Date('2026-11-23T10:00:00Z');
const BASE = 'https://register.example';

const key = await generateSigningKey();
const credential = buildDiplomaCredential(
  {
    holder: { givenNames: 'Sanne', prefix: 'van der', familyName: 'Berg', birthDate: '2003-04-05' },
    diploma: { id: '0b9a3c1e-2f6d-4e8a-9c7b-1a2b3c4d5e6f', kind: 'diploma', awardDate: '2025-07-01', nlqf: '6', eqf: 6, profile: null },
    programme: { codeType: 'croho', code: '56834', nameNl: 'Bachelor Informatica', nameEn: 'Bachelor Computer Science' },
    institution: { brin: '21PD', location: '00', name: 'Universiteit Voorbeeld', place: 'Utrecht' },
  },
  {
    id: 'urn:uuid:5d0c7c9e-8a53-4a6a-9f39-1f3f1c0a2b7e',
    issuerDid: 'did:web:register.example',
    validFrom: new Date('2026-11-20T09:00:00Z'),
    contextUrl: diplomaContextUrl(BASE),
    status: { revocation: { listUrl: `${BASE}/status/rev-1`, index: 70_001 }, suspension: { listUrl: `${BASE}/status/sus-1`, index: 70_001 } },
  },
);
const token = await signCredential(credential, key);
const getKey = async (kid: string) => (kid === key.kid ? key.publicJwk : undefined);
const node = createNodeEd25519();
const webCrypto = createWebCryptoEd25519();
const joseKey = await importJWK({ ...key.publicJwk, alg: 'EdDSA' }, 'EdDSA');
const decoder = new TextDecoder('utf-8', { fatal: true });
const parts = splitCredentialJwt(token);

const variants: Record<string, () => Promise<unknown>> = {
  node: () => verifyCredentialJwt(token, getKey, { now: NOW, ed25519: node }),
  webcr: () => verifyCredentialJwt(token, getKey, { now: NOW, ed25519: webCrypto }),
  jose: async () => {
    const { payload, protectedHeader } = await compactVerify(token, joseKey, { algorithms: ['EdDSA', 'Ed25519'] });
    if (jwsHeaderFindings(protectedHeader).length) throw new Error('header');
    const vc = JSON.parse(decoder.decode(payload)) as Record<string, unknown>;
    if (findShapeViolation(vc)) throw new Error('shape');
    return credentialValidityPeriod(vc);
  },
  'sig-node': () => verifyJwsSignature(parts, key.publicJwk, node),
  'sig-wc': () => verifyJwsSignature(parts, key.publicJwk, webCrypto),
  'sig-jose': () => compactVerify(token, joseKey, { algorithms: ['EdDSA', 'Ed25519'] }),
};

/** wall-clock and CPU (all threads: Web Crypto verifies on libuv's pool) µs per verification */
async function once(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < N; i++) await run();
  const wall = ((performance.now() - start) * 1000) / N;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / N };
}

for (const run of Object.values(variants)) for (let i = 0; i < 500; i++) await run(); // warm-up

const times: Record<string, Array<{ wall: number; cpu: number }>> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(variants)) times[name]!.push(await once(run));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const of = (name: string, m: 'wall' | 'cpu') => median(times[name]!.map((t) => t[m]));
console.log(`${machine()}; token ${token.length} bytes; N=${N}, ${ROUNDS} interleaved rounds, median`);
for (const name of Object.keys(variants)) {
  const rounds = times[name]!.map((t) => `${t.wall.toFixed(0)}/${t.cpu.toFixed(0)}`).join(' ');
  console.log(
    `${name.padEnd(8)} wall ${of(name, 'wall').toFixed(1).padStart(6)} µs (×${(of(name, 'wall') / of('node', 'wall')).toFixed(2)} of node)` +
      `  cpu ${of(name, 'cpu').toFixed(1).padStart(6)} µs (×${(of(name, 'cpu') / of('node', 'cpu')).toFixed(2)} of node)   rounds wall/cpu: ${rounds}`,
  );
}
