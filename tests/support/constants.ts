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
