// A page opened under another name of this same machine (http://127.0.0.1:3000 when PUBLIC_BASE_URL
// says http://localhost:3000) goes to the public origin: cookies, the login's return address and the
// forms' Origin check all hold for that origin only, so there the site would half work.
//
// Only loopback names are swapped (localhost, 127.0.0.1, [::1]), only when the public origin is one
// of them, with the same scheme and port: a request for any other host (a proxy's, the tests'
// register.test served on 127.0.0.1) is never touched. Only pages: API clients (JSON, curl) get
// their answer under whichever name they used.
import type { MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { pickLang } from '../web/lang.ts';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

const texts = {
  nl: {
    title: 'Open het register op zijn eigen adres',
    body: 'U gebruikte een ander adres van deze computer. Inloggen en formulieren werken alleen op het adres van het register:',
    again: 'Open de pagina daar en probeer het opnieuw.',
  },
  en: {
    title: 'Open the register at its own address',
    body: 'You used another address of this computer. Logging in and forms only work at the register’s address:',
    again: 'Open the page there and try again.',
  },
};

export function canonicalOrigin(publicBaseUrl: string): MiddlewareHandler {
  const publicUrl = new URL(publicBaseUrl);
  if (!LOOPBACK_NAMES.has(publicUrl.hostname)) return (_c, next) => next();
  return async (c, next) => {
    const url = new URL(c.req.url);
    const sameMachineOtherName =
      url.hostname !== publicUrl.hostname && LOOPBACK_NAMES.has(url.hostname) && url.port === publicUrl.port && url.protocol === publicUrl.protocol;
    if (!sameMachineOtherName || !asksForPage(c.req.header('accept'))) return next();
    const target = publicUrl.origin + url.pathname + url.search;
    // temporary: the public origin is a setting and may change
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(target, 307);
    const lang = pickLang(c);
    const t = texts[lang];
    const page = publicUrl.origin + url.pathname;
    // 421 Misdirected Request: this name is not the origin the register answers for
    return c.html(
      html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t.title} — Diplomaregister</title><link rel="stylesheet" href="/static/site.css"></head>
<body><main id="main"><h1>${t.title}</h1><p>${t.body} <a href="${page}">${publicUrl.origin}</a></p><p>${t.again}</p></main></body>
</html>`,
      421,
    );
  };
}

/** A browser navigating or posting a form: HTML asked for before any JSON. */
function asksForPage(accept: string | undefined): boolean {
  const value = (accept ?? '').toLowerCase();
  const htmlAt = value.indexOf('text/html');
  const jsonAt = value.search(/application\/([a-z.+-]*\+)?json/);
  return htmlAt >= 0 && (jsonAt < 0 || htmlAt < jsonAt);
}
