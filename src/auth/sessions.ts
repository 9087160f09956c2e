// Server-side sessions: the cookie carries a random token, the database only its SHA-256, the
// CSRF token for the session's forms, and the expiry. Logging out deletes the row.
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { loginAttempts, sessions } from '../../db/schema.ts';
import type { Tx } from '../database.ts';
import { constantTimeEqual, randomToken, sha256Hex } from '../lib/bytes.ts';

export const SESSION_COOKIE = 'dr_session';
export const LOGIN_COOKIE = 'dr_login';
/** the provider's ID token, sent back as id_token_hint when logging out; only /logout ever sees it */
export const ID_TOKEN_COOKIE = 'dr_id_token';
/** the state of a logout at the provider, until it sends the browser back to /logged-out */
export const LOGOUT_COOKIE = 'dr_logout';
const LOGIN_TTL_MS = 10 * 60_000;
/** a cookie larger than this is not kept by every browser; logout then goes without the hint */
const MAX_COOKIE_VALUE = 3800;

export interface Session {
  subjectId: string;
  csrfToken: string;
  expiresAt: Date;
}


/** Secure unless the register's public URL is plain-HTTP localhost (development); never from the Host header. */
function cookieOptions(publicBaseUrl: string, maxAgeSeconds: number) {
  const u = new URL(publicBaseUrl);
  const secure = u.protocol === 'https:' || !/^(localhost|127\.0\.0\.1|\[::1\])$/.test(u.hostname);
  return { httpOnly: true, sameSite: 'Lax' as const, secure, path: '/', maxAge: maxAgeSeconds };
}

export async function startSession(db: Tx, c: Context, subjectId: string, now: Date, ttlMinutes: number, publicBaseUrl: string): Promise<Session> {
  await endSession(db, c); // a session from before this login never lives on
  const token = randomToken();
  const session = { subjectId, csrfToken: randomToken(), expiresAt: new Date(now.getTime() + ttlMinutes * 60_000) };
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
  await db.insert(sessions).values({ tokenHash: await sha256Hex(token), ...session, createdAt: now });
  setCookie(c, SESSION_COOKIE, token, cookieOptions(publicBaseUrl, ttlMinutes * 60));
  return session;
}

export async function currentSession(db: Tx, c: Context, now: Date): Promise<Session | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 100) return undefined;
  const [row] = await db
    .select({ subjectId: sessions.subjectId, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, await sha256Hex(token)), gt(sessions.expiresAt, now)));
  return row;
}

export async function endSession(db: Tx, c: Context): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await db.delete(sessions).where(eq(sessions.tokenHash, await sha256Hex(token)));
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** Keeps the ID token for the logout hint, as long as the session lasts. */
export function rememberIdToken(c: Context, idToken: string, ttlMinutes: number, publicBaseUrl: string): void {
  if (idToken.length > MAX_COOKIE_VALUE) return;
  setCookie(c, ID_TOKEN_COOKIE, idToken, { ...cookieOptions(publicBaseUrl, ttlMinutes * 60), path: '/logout' });
}

/** The ID token of this browser's login (once: the cookie is deleted). */
export function takeIdToken(c: Context): string | undefined {
  const idToken = getCookie(c, ID_TOKEN_COOKIE);
  deleteCookie(c, ID_TOKEN_COOKIE, { path: '/logout' });
  return idToken && idToken.length <= MAX_COOKIE_VALUE ? idToken : undefined;
}

/** A logout at the provider: returns the state to send, remembered for the way back. */
export function rememberLogout(c: Context, publicBaseUrl: string): string {
  const state = randomToken();
  setCookie(c, LOGOUT_COOKIE, state, { ...cookieOptions(publicBaseUrl, LOGIN_TTL_MS / 1000), path: '/logged-out' });
  return state;
}

/** Whether the provider sent back the state of this browser's logout (the cookie stays: the page may be shown again in the other language). */
export function isOwnLogout(c: Context, state: string | undefined): boolean {
  const expected = getCookie(c, LOGOUT_COOKIE);
  return !!expected && !!state && constantTimeEqual(expected, state);
}

/** Remembers a login in progress (state → nonce, PKCE verifier) until the provider calls back. */
export async function rememberLogin(db: Tx, c: Context, attempt: { state: string; nonce: string; codeVerifier: string; returnTo: string; lang: string }, now: Date, publicBaseUrl: string) {
  await db.delete(loginAttempts).where(lt(loginAttempts.createdAt, new Date(now.getTime() - LOGIN_TTL_MS)));
  await db.insert(loginAttempts).values({ ...attempt, createdAt: now });
  setCookie(c, LOGIN_COOKIE, attempt.state, cookieOptions(publicBaseUrl, LOGIN_TTL_MS / 1000));
}

/** The login this browser started (once: it is deleted when taken). */
export async function takeLogin(db: Tx, c: Context, now: Date) {
  const state = getCookie(c, LOGIN_COOKIE);
  deleteCookie(c, LOGIN_COOKIE, { path: '/' });
  if (!state) return undefined;
  const [row] = await db.delete(loginAttempts).where(eq(loginAttempts.state, state)).returning();
  if (!row || row.createdAt.getTime() < now.getTime() - LOGIN_TTL_MS) return undefined;
  return row;
}

/** Synchronizer-token check for a form post, plus Origin when the browser sends one. */
export function csrfOk(c: Context, session: Session, formToken: unknown, publicBaseUrl: string): boolean {
  const origin = c.req.header('origin');
  if (origin && origin !== new URL(publicBaseUrl).origin && origin !== new URL(c.req.url).origin) return false;
  return typeof formToken === 'string' && constantTimeEqual(formToken, session.csrfToken);
}
