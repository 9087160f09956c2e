// npm run keys:generate — creates any missing local key material under keys/ (idempotent).
import { loadConfig } from '../src/config.ts';
import { ensureDevKeys } from './dev-keys.ts';

const config = loadConfig(process.env);
const keys = await ensureDevKeys(config.keysDir);
console.log(keys.created.length ? `created: ${keys.created.join(', ')}` : 'all keys present, nothing created');
console.log(`signing keys: ${keys.signingKeys.map((k) => k.kid).join(', ')}`);
console.log(`seal certificate: ${keys.seal.sealCertPath} (issued by ${keys.seal.caCertPath})`);
