// The 404 a person sees: a page in their language, where an API client gets problem+json.
import type { Context } from 'hono';
import { Layout } from './layout.tsx';
import { pickLang } from './lang.ts';

const texts = {
  nl: { title: 'Pagina niet gevonden', body: 'Deze pagina bestaat niet (meer). Controleer het adres, of ga naar de startpagina.', home: 'Naar de startpagina', verify: 'Een diploma controleren' },
  en: { title: 'Page not found', body: 'This page does not exist (any more). Check the address, or go to the start page.', home: 'Go to the start page', verify: 'Verify a diploma' },
};

/** True when the client asks for HTML before JSON (a browser navigating), not for an API call. */
export function prefersHtml(c: Context): boolean {
  const accept = (c.req.header('accept') ?? '').toLowerCase();
  const html = accept.indexOf('text/html');
  const json = accept.search(/application\/([a-z.+-]*\+)?json/);
  return html >= 0 && (json < 0 || html < json) && ['GET', 'HEAD'].includes(c.req.method);
}

export function notFoundPage(c: Context) {
  const lang = pickLang(c);
  const t = texts[lang];
  c.status(404);
  return c.html(
    <Layout lang={lang} title={`${t.title} — Diplomaregister`}>
      <h1>{t.title}</h1>
      <p>{t.body}</p>
      <ul>
        <li>
          <a href={`/?lang=${lang}`}>{t.home}</a>
        </li>
        <li>
          <a href={`/v?lang=${lang}`}>{t.verify}</a>
        </li>
      </ul>
    </Layout>,
  );
}
