import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export type Lang = 'nl' | 'en';
const LANG_COOKIE = 'dr_lang';

/** ?lang= wins (and is remembered), then the cookie, then Accept-Language, then Dutch. */
export function pickLang(c: Context): Lang {
  const q = c.req.query('lang');
  if (q === 'nl' || q === 'en') {
    setCookie(c, LANG_COOKIE, q, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400 });
    return q;
  }
  const cookie = getCookie(c, LANG_COOKIE);
  if (cookie === 'nl' || cookie === 'en') return cookie;
  const accept = (c.req.header('accept-language') ?? '').toLowerCase();
  return accept.startsWith('en') ? 'en' : 'nl';
}
