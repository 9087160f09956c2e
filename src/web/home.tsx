import { Hono } from 'hono';
import type { AppEnv } from '../deps.ts';
import { Layout } from './layout.tsx';
import { pickLang } from './lang.ts';

const texts = {
  nl: {
    title: 'Diplomaregister',
    intro: 'Het nationale register van diploma’s: bekijk uw diploma’s, download een ondertekend uittreksel en controleer een diploma.',
    graduates: 'Voor gediplomeerden',
    portal: 'Mijn diploma’s',
    portalNote: 'inloggen met DigiD of eIDAS',
    verifiers: 'Voor werkgevers en instellingen',
    verify: 'Een diploma controleren',
    developers: 'Voor ontwikkelaars',
    api: 'API-documentatie',
    keys: 'Publieke sleutels',
    other: 'English',
    language: 'Taal',
  },
  en: {
    title: 'Diploma register',
    intro: 'The national register of diplomas: see your diplomas, download a signed extract and verify a diploma.',
    graduates: 'For graduates',
    portal: 'My diplomas',
    portalNote: 'log in with DigiD or eIDAS',
    verifiers: 'For employers and institutions',
    verify: 'Verify a diploma',
    developers: 'For developers',
    api: 'API reference',
    keys: 'Public keys',
    other: 'Nederlands',
    language: 'Language',
  },
};

export function homeRoutes() {
  const router = new Hono<AppEnv>();
  router.get('/', (c) => {
    const lang = pickLang(c);
    const other = lang === 'nl' ? 'en' : 'nl';
    const t = texts[lang];
    return c.html(
      <Layout lang={lang} title={t.title}>
        <nav class="portal-bar" aria-label={t.language}>
          <a href={`/?lang=${other}`} lang={other} hreflang={other}>{t.other}</a>
        </nav>
        <h1>{t.title}</h1>
        <p>{t.intro}</p>
        <h2>{t.graduates}</h2>
        <p><a href="/portal/">{t.portal}</a> ({t.portalNote})</p>
        <h2>{t.verifiers}</h2>
        <p><a href="/v">{t.verify}</a></p>
        <h2>{t.developers}</h2>
        <ul>
          <li><a href="/docs">{t.api}</a></li>
          <li><a href="/.well-known/jwks.json">{t.keys} (JWKS)</a>, <a href="/.well-known/did.json">did:web</a></li>
        </ul>
      </Layout>,
    );
  });
  return router;
}
