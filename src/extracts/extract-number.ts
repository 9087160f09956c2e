// Extract numbers: 13 random Crockford base32 symbols and a mod-37 check symbol, printed in groups
// "7KQ4-M2XP-9TJH-RC". Crockford's alphabet has no I, L, O or U, so the number reads aloud and
// types without confusion; input is forgiving (case, spaces, dashes, I/L→1, O→0). Numbers whose
// check would be one of Crockford's extra symbols (* ~ $ = U) are never issued, so every printed
// symbol is a letter or digit (≈ 64.8 random bits remain).
/** Crockford's base32 alphabet: no I, L, O or U */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ALPHABET = CROCKFORD_ALPHABET;
const CHECK_SYMBOLS = ALPHABET + '*~$=U';
const RANDOM_SYMBOLS = 13;

export function generateExtractNumber(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  for (;;) {
    const bytes = random(new Uint8Array(RANDOM_SYMBOLS));
    // 256 is a multiple of 32: taking the low 5 bits of each byte is unbiased
    const body = [...bytes].map((b) => ALPHABET[b & 31]).join('');
    const check = checkSymbol(body);
    if (ALPHABET.includes(check)) return format(body + check);
  }
}

/** The canonical form ("7KQ4M2XP9TJHRC") of user input, or undefined when it is not a valid number. */
export function parseExtractNumber(input: string): string | undefined {
  const cleaned = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (cleaned.length !== RANDOM_SYMBOLS + 1) return undefined;
  const body = cleaned.slice(0, RANDOM_SYMBOLS);
  if (![...body].every((c) => ALPHABET.includes(c))) return undefined;
  return checkSymbol(body) === cleaned[RANDOM_SYMBOLS] ? cleaned : undefined;
}

export function formatExtractNumber(canonical: string): string {
  return format(canonical);
}

function format(canonical: string): string {
  return `${canonical.slice(0, 4)}-${canonical.slice(4, 8)}-${canonical.slice(8, 12)}-${canonical.slice(12)}`;
}

function checkSymbol(body: string): string {
  let mod = 0;
  for (const c of body) mod = (mod * 32 + ALPHABET.indexOf(c)) % 37;
  return CHECK_SYMBOLS[mod]!;
}
