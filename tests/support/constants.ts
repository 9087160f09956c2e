export const TEST_NOW = '2026-11-23T10:00:00.000Z';
export const TEST_PSEUDONYM_SECRET = 'test-pseudonym-secret-0123456789abcdef';

/** The PostgreSQL server the suite may create databases on, if any. */
export function adminUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export function databaseUrlFor(admin: string, name: string): string {
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The runs of exactly nine digits in `text` that stand alone (no letter or digit beside them):
 * where a stored BSN would show, while a run of digits inside a random UUID or hash does not count.
 */
export function standaloneNineDigits(text: string): Set<string> {
  return new Set(text.match(/(?<![0-9A-Za-z])[0-9]{9}(?![0-9A-Za-z])/g) ?? []);
}
