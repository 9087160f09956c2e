// Seeded randomness for tests that draw their inputs: each file prints its seed once, and
// `TEST_SEED=<seed> npx vitest run <file>` draws the very same inputs again to replay a failure.
// Without TEST_SEED every run draws a fresh seed, so the draws keep exploring.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SeededRandom {
  readonly seed: number;
  /** the next 32 random bits */
  next(): number;
  /** an integer in [0, bound) */
  int(bound: number): number;
  /** fills `bytes` in place, like crypto.getRandomValues (and fits generateExtractNumber's source) */
  fill<T extends Uint8Array>(bytes: T): T;
  bytes(length: number): Uint8Array;
}

/** Call once at the top of a test file with its `import.meta.url` (or another label for the printed line). */
export function seededRandom(file: string): SeededRandom {
  const label = file.startsWith('file:') ? relative(process.cwd(), fileURLToPath(file)) : file;
  const fromEnv = process.env.TEST_SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? parseSeed(fromEnv) : crypto.getRandomValues(new Uint32Array(1))[0]!;
  console.log(`[seed] ${label}: TEST_SEED=${seed}${fromEnv ? ' (from the environment)' : ''}`);
  return randomFromSeed(seed);
}

/** The generator itself, without printing: sfc32, its state spread from the seed by splitmix32. */
export function randomFromSeed(seed: number): SeededRandom {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  const fill = <T extends Uint8Array>(bytes: T): T => {
    for (let i = 0; i < bytes.length; i += 4) {
      const word = next();
      for (let j = 0; j < 4 && i + j < bytes.length; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return bytes;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (bound) => {
      if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 32) throw new RangeError(`bound ${bound}`);
      // rejection keeps it uniform: drop the top partial block of 2^32
      const limit = 2 ** 32 - (2 ** 32 % bound);
      for (;;) {
        const x = next();
        if (x < limit) return x % bound;
      }
    },
    fill,
    bytes: (length) => fill(new Uint8Array(length)),
  };
}

function parseSeed(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) throw new Error(`TEST_SEED must be an integer in [0, 2^32), got ${JSON.stringify(text)}`);
  return n;
}
