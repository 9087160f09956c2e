// The graduate portal: login (OpenID Connect), my diplomas, a diploma with its grade list,
// downloading signed extracts in Dutch or English, my extracts with "withdraw", who looked.
import { Hono, type Context } from 'hono';
import { and, desc, eq } from 'drizzle-orm';
import type { AppDeps, AppEnv } from '../deps.ts';
import { diplomas, extracts, holders, institutions, programmes, verificationEvents } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Tx } from '../database.ts';
import { Layout } from '../web/layout.tsx';
import { ErrorSummary, errorTitle } from '../web/error-summary.tsx';
import { pickLang, type Lang } from '../web/lang.ts';
import { beginLogin, completeLogin, logoutUrl, OidcError, type OidcClientConfig } from '../auth/oidc-client.ts';
import { csrfOk, currentSession, endSession, rememberIdToken, rememberLogin, rememberLogout, startSession, takeIdToken, takeLogin, isOwnLogout, type Session } from '../auth/sessions.ts';
import { issueExtract, loadDiplomaView, type ExtractIssuer } from '../extracts/extract-service.ts';
import type { Services } from '../services.ts';
import { withdrawExtract } from '../extracts/extract-status.ts';
import { formatExtractNumber, parseExtractNumber } from '../extracts/extract-number.ts';
import { portalTexts, type PortalError, type PortalTexts } from './texts.ts';

type PortalEnv = AppEnv & { Variables: AppEnv['Variables'] & { session: Session; lang: Lang } };

function oidcConfig(deps: AppDeps): OidcClientConfig | undefined {
  return deps.oidc && { ...deps.oidc, redirectUri: `${deps.config.publicBaseUrl}/auth/callback` };
}

function extractIssuer(deps: AppDeps, services: Services): ExtractIssuer | undefined {
  if (!deps.documents || !(deps.signingKeys || deps.loadSigningKeys)) return undefined;
  return { signingKeys: services.signingKeys, services, seal: deps.documents.seal, documentAssets: deps.documents.assets, publicBaseUrl: deps.config.publicBaseUrl, did: deps.config.did };
}

const safeReturnTo = (value: string | undefined) => (value && /^\/portal(\/[A-Za-z0-9/_-]*)?$/.test(value) ? value : '/portal');

/** The same page (path and query) in the other language. */
function sameInOther(c: Context, other: Lang): string {
  const url = new URL(c.req.url);
  url.searchParams.set('lang', other);
  return url.pathname + url.search;
}

/** `languageHref` is where the language switch goes: this page in the other language, never a resubmit. */
function PortalPage(props: { lang: Lang; t: PortalTexts; title: string; session?: Session; children: unknown; languageHref: string }) {
  const other = props.lang === 'nl' ? 'en' : 'nl';
  return (
    <Layout lang={props.lang} title={`${props.title} — Diplomaregister`}>
      <nav class="portal-bar" aria-label={props.t.account}>
        <a href={props.languageHref} lang={other} hreflang={other}>{props.t.otherLanguage}</a>
        {props.session && (
          <form method="post" action="/logout" class="inline">
            <input type="hidden" name="csrf" value={props.session.csrfToken} />
            <button type="submit">{props.t.logout}</button>
          </form>
        )}
      </nav>
      {props.children as never}
    </Layout>
  );
}

/** A wide table scrolls on its own on a narrow screen (the page does not); keyboard users scroll it too. */
function DataTable(props: { id: string; caption: string; children: unknown }) {
  return (
    <div class="table-scroll" role="region" aria-labelledby={`${props.id}-caption`} tabindex={0}>
      <table>
        <caption id={`${props.id}-caption`} class="visually-hidden">{props.caption}</caption>
        {props.children as never}
      </table>
    </div>
  );
}

/**
 * The shortest description of each item that no other item in the list shares: the first detail,
 * then more of them in order until it is unique (two diplomas of one programme and year differ in
 * state, institution or date). Screen-reader users hear it after "View", so every link says which.
 */
export function distinctLabels(details: string[][]): string[] {
  const prefix = (item: string[], n: number) => item.slice(0, n).join(', ');
  return details.map((mine, i) => {
    for (let n = 1; n <= mine.length; n++) {
      if (details.every((other, j) => j === i || prefix(other, n) !== prefix(mine, n))) return prefix(mine, n);
    }
    return `${prefix(mine, mine.length)} (${i + 1})`;
  });
}

const errorStatus: Record<PortalError, 400 | 403 | 404 | 409 | 503> = {
  notFound: 404,
  notCurrent: 409,
  badLanguage: 400,
  notActive: 409,
  csrf: 403,
  loginFailed: 400,
  loginCancelled: 400,
  unavailable: 503,
};
const errorSlug = (key: PortalError) => key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
const errorBySlug = new Map((Object.keys(errorStatus) as PortalError[]).map((key) => [errorSlug(key), key]));

/**
 * An error as a page (title "Fout: …", the focus on the error summary). The language switch shows
 * the same page again: a plain GET page at its own address, the answer to a POST (or to the one-time
 * login callback) at /error/<name>, so switching never resubmits a form.
 */
function errorPage(c: Context<PortalEnv>, key: PortalError) {
  const lang = c.get('lang') ?? pickLang(c);
  const t = portalTexts[lang];
  const other = lang === 'nl' ? 'en' : 'nl';
  const session = c.get('session');
  const repeatable = c.req.method === 'GET' && c.req.path !== '/auth/callback';
  const again = repeatable ? sameInOther(c, other) : `/error/${errorSlug(key)}?lang=${other}`;
  c.status(errorStatus[key]);
  return c.html(
    <PortalPage lang={lang} t={t} title={errorTitle(lang, t.errorHeadings[key])} session={session} languageHref={again}>
      <ErrorSummary heading={t.errorHeadings[key]}>
        <p role="alert">{t.errors[key]}</p>
      </ErrorSummary>
      <p><a href="/portal/">{t.back}</a></p>
    </PortalPage>,
  );
}

const isId = (id: string) => /^[0-9a-f-]{36}$/.test(id);

/** The holder's extracts, newest first; with `extractId`, only that one if it is theirs. */
function holderExtracts(db: Tx, subjectId: string, extractId?: string) {
  return db
    .select({ id: extracts.id, number: extracts.number, issuedAt: extracts.issuedAt, lang: extracts.lang, state: extracts.state, programmeNl: programmes.nameNl, programmeEn: programmes.nameEn })
    .from(extracts)
    .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
    .innerJoin(holders, eq(holders.id, diplomas.holderId))
    .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
    .where(extractId ? and(eq(holders.subjectId, subjectId), eq(extracts.id, extractId)) : eq(holders.subjectId, subjectId))
    .orderBy(desc(extracts.issuedAt));
}

export function portalRoutes() {
  const router = new Hono<PortalEnv>();

  router.get('/login', async (c) => {
    const deps = c.get('deps');
    const lang = pickLang(c);
    const config = oidcConfig(deps);
    if (!config) return errorPage(c, 'unavailable');
    let login: Awaited<ReturnType<typeof beginLogin>>;
    try {
      login = await beginLogin(config, { uiLocales: lang, cache: c.get('services').oidc });
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      deps.logger.warn('login_unavailable', { requestId: c.get('requestId'), code: err.code });
      return errorPage(c, 'unavailable');
    }
    await rememberLogin(deps.db, c, { state: login.state, nonce: login.nonce, codeVerifier: login.codeVerifier, returnTo: safeReturnTo(c.req.query('returnTo')), lang }, deps.clock.now(), deps.config.publicBaseUrl);
    return c.redirect(login.authorizationUrl, 302);
  });

  router.get('/auth/callback', async (c) => {
    const deps = c.get('deps');
    const now = deps.clock.now();
    const attempt = await takeLogin(deps.db, c, now);
    const lang = (attempt?.lang as Lang | undefined) ?? pickLang(c);
    c.set('lang', lang);
    const config = oidcConfig(deps);
    if (!config) return errorPage(c, 'unavailable');
    if (!attempt) return errorPage(c, 'loginFailed');
    try {
      const login = await completeLogin(config, { callbackUrl: c.req.url.replace(new URL(c.req.url).origin, deps.config.publicBaseUrl), expected: attempt, now, cache: c.get('services').oidc });
      await startSession(deps.db, c, login.subject, now, deps.config.sessionTtlMinutes, deps.config.publicBaseUrl);
      rememberIdToken(c, login.idToken, deps.config.sessionTtlMinutes, deps.config.publicBaseUrl);
      deps.logger.info('login', { requestId: c.get('requestId') });
      return c.redirect(attempt.returnTo, 302);
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      deps.logger.warn('login_failed', { requestId: c.get('requestId'), code: err.code });
      const cancelled = err.code === 'OIDC_PROVIDER_ERROR' && err.providerError === 'access_denied';
      return errorPage(c, cancelled ? 'loginCancelled' : 'loginFailed');
    }
  });

  router.post('/logout', async (c) => {
    const deps = c.get('deps');
    const session = await currentSession(deps.db, c, deps.clock.now());
    const form = await c.req.parseBody();
    if (session && !csrfOk(c, session, form.csrf, deps.config.publicBaseUrl)) return errorPage(c, 'csrf');
    await endSession(deps.db, c);
    const idTokenHint = takeIdToken(c);
    // RP-initiated logout: the provider ends its session too, so the next login asks who you are
    const config = oidcConfig(deps);
    if (config) {
      try {
        const postLogoutRedirectUri = `${deps.config.publicBaseUrl}/logged-out`;
        const state = rememberLogout(c, deps.config.publicBaseUrl);
        const url = await logoutUrl(config, { idTokenHint, postLogoutRedirectUri, state, uiLocales: pickLang(c), cache: c.get('services').oidc });
        // the page's CSP lets its forms go on only to the provider's own origin (src/app.ts)
        if (url && new URL(url).origin === new URL(config.issuer).origin) return c.redirect(url, 303);
      } catch (err) {
        if (!(err instanceof OidcError)) throw err;
        deps.logger.warn('logout_at_provider_unavailable', { requestId: c.get('requestId'), code: err.code });
      }
    }
    return c.redirect('/logged-out', 303);
  });

  router.get('/logged-out', (c) => {
    const lang = pickLang(c);
    const t = portalTexts[lang];
    const atProvider = isOwnLogout(c, c.req.query('state'));
    c.header('Cache-Control', 'no-store');
    return c.html(
      <PortalPage lang={lang} t={t} title={t.loggedOut} languageHref={sameInOther(c, lang === 'nl' ? 'en' : 'nl')}>
        <h1>{t.loggedOut}</h1>
        {atProvider && <p>{t.loggedOutAtProvider}</p>}
        <p><a href={`/login?lang=${lang}`}>{t.loginAgain}</a></p>
      </PortalPage>,
    );
  });

  // everything under /portal needs a session; POSTs need the session's CSRF token
  router.use('/portal/*', async (c, next) => {
    const deps = c.get('deps');
    c.set('lang', pickLang(c));
    const session = await currentSession(deps.db, c, deps.clock.now());
    if (!session) {
      if (c.req.method !== 'GET') return errorPage(c, 'csrf');
      return c.redirect(`/login?returnTo=${encodeURIComponent(c.req.path)}`, 302);
    }
    c.set('session', session);
    c.header('Cache-Control', 'no-store');
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      if (!csrfOk(c, session, form.csrf, deps.config.publicBaseUrl)) return errorPage(c, 'csrf');
    }
    await next();
  });
  router.get('/portal', (c) => c.redirect('/portal/', 302));

  // an error page that answered a POST, again (in the other language): it only shows the message
  router.get('/error/:name', async (c) => {
    const key = errorBySlug.get(c.req.param('name'));
    if (!key) return c.notFound();
    const deps = c.get('deps');
    c.set('lang', pickLang(c));
    const session = await currentSession(deps.db, c, deps.clock.now());
    if (session) c.set('session', session);
    return errorPage(c, key);
  });

  router.get('/portal/', async (c) => {
    const { db } = c.get('deps');
    const { lang, session } = { lang: c.get('lang'), session: c.get('session') };
    const t = portalTexts[lang];
    const mine = await db
      .select({ id: diplomas.id, kind: diplomas.kind, awardDate: diplomas.awardDate, nlqf: diplomas.nlqf, eqf: diplomas.eqf, state: diplomas.state, programmeNl: programmes.nameNl, programmeEn: programmes.nameEn, institution: institutions.name, place: institutions.place })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
      .innerJoin(institutions, eq(institutions.id, diplomas.institutionId))
      .where(eq(holders.subjectId, session.subjectId))
      .orderBy(desc(diplomas.awardDate));
    const myExtracts = await holderExtracts(db, session.subjectId);
    const looked = await db
      .select({ at: verificationEvents.at, entrance: verificationEvents.entrance, number: extracts.number })
      .from(verificationEvents)
      .innerJoin(extracts, eq(extracts.id, verificationEvents.extractId))
      .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(holders.subjectId, session.subjectId))
      .orderBy(desc(verificationEvents.at))
      .limit(100);
    const flash = parseExtractNumber(c.req.query('withdrawn') ?? '');
    const diplomaLabels = distinctLabels(
      mine.map((d) => [`${t.kind[d.kind]} ${lang === 'nl' ? d.programmeNl : d.programmeEn}, ${d.awardDate.slice(0, 4)}`, t.state[d.state]!, `${d.institution}, ${d.place}`, formatDay(d.awardDate, lang)]),
    );
    return c.html(
      <PortalPage lang={lang} t={t} title={flash ? `${t.withdrawnTitle} — ${t.portalTitle}` : t.portalTitle} session={session} languageHref={sameInOther(c, lang === 'nl' ? 'en' : 'nl')}>
        <h1>{t.myDiplomas}</h1>
        {/* the focus starts on what just happened, so a screen reader says it first */}
        {flash && <p role="status" class="notice" tabindex={-1} autofocus>{t.withdrawn(formatExtractNumber(flash))}</p>}
        {mine.length === 0 ? (
          <p>{t.noDiplomas}</p>
        ) : (
          // cards, not a table: on a phone every action stays on screen (WCAG 1.4.10)
          <ul class="cards" aria-label={t.myDiplomas}>
            {mine.map((d, index) => (
              <li class="card">
                <h2 class="card-title">{t.kind[d.kind]} {lang === 'nl' ? d.programmeNl : d.programmeEn}</h2>
                <dl class="facts">
                  <dt>{t.institution}</dt><dd>{d.institution}, {d.place}</dd>
                  <dt>{t.awardDate}</dt><dd>{formatDay(d.awardDate, lang)}</dd>
                  <dt>{t.level}</dt><dd>NLQF {d.nlqf} / EQF {d.eqf}</dd>
                  <dt>{t.status}</dt><dd>{t.state[d.state]}</dd>
                </dl>
                <p class="card-actions">
                  <a href={`/portal/diplomas/${d.id}`}>{t.details}<span class="visually-hidden"> — {diplomaLabels[index]}</span></a>
                </p>
              </li>
            ))}
          </ul>
        )}
        <h2>{t.myExtracts}</h2>
        {myExtracts.length === 0 ? (
          <p>{t.noExtracts}</p>
        ) : (
          <ul class="cards" aria-label={t.myExtracts}>
            {myExtracts.map((e) => (
              <li class="card">
                <h3 class="card-title"><code>{formatExtractNumber(e.number)}</code></h3>
                <dl class="facts">
                  <dt>{t.qualification}</dt><dd>{lang === 'nl' ? e.programmeNl : e.programmeEn}</dd>
                  <dt>{t.date}</dt><dd>{formatDay(e.issuedAt.toISOString().slice(0, 10), lang)}</dd>
                  <dt>{t.language}</dt><dd>{t.langName[e.lang]}</dd>
                  <dt>{t.status}</dt><dd>{t.extractState[e.state]}</dd>
                </dl>
                {e.state === 'active' && (
                  // withdrawing cannot be undone: this opens a page that asks to confirm (WCAG 3.3.4)
                  <form method="get" action={`/portal/extracts/${e.id}/withdraw`} class="card-actions">
                    <button type="submit">{t.withdraw}<span class="visually-hidden">{t.withdrawContext(formatExtractNumber(e.number))}</span></button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}
        <h2>{t.whoLooked}</h2>
        {looked.length === 0 ? (
          <p>{t.nobodyLooked}</p>
        ) : (
          <DataTable id="looked" caption={t.whoLooked}>
            <thead><tr><th scope="col">{t.date}</th><th scope="col">{t.number}</th><th scope="col">{t.entrance}</th></tr></thead>
            <tbody>
              {looked.map((v) => (
                <tr><td>{formatMoment(v.at, lang)}</td><td><code>{formatExtractNumber(v.number)}</code></td><td>{t.entranceName[v.entrance] ?? v.entrance}</td></tr>
              ))}
            </tbody>
          </DataTable>
        )}
      </PortalPage>,
    );
  });

  router.get('/portal/diplomas/:id', async (c) => {
    const { db } = c.get('deps');
    const { lang, session } = { lang: c.get('lang'), session: c.get('session') };
    const t = portalTexts[lang];
    const id = c.req.param('id');
    if (!isId(id)) return errorPage(c, 'notFound');
    const view = await loadDiplomaView(db, id, c.get('services').diplomaViews);
    if (!view || view.holder.subjectId !== session.subjectId) return errorPage(c, 'notFound');
    const { diploma: d, programme: p, institution: i } = view;
    const name = lang === 'nl' ? p.nameNl : p.nameEn;
    const profile = d.profile ? p.profiles.find((x) => x.code === d.profile) : undefined;
    const mark = (n: number | undefined) => (n === undefined ? '–' : lang === 'nl' ? n.toFixed(1).replace('.', ',') : n.toFixed(1));
    return c.html(
      <PortalPage lang={lang} t={t} title={name} session={session} languageHref={sameInOther(c, lang === 'nl' ? 'en' : 'nl')}>
        <p><a href="/portal/">{t.back}</a></p>
        <h1>{t.kind[d.kind]} {name}</h1>
        <dl class="facts">
          {profile && (<><dt>{t.profile}</dt><dd>{lang === 'nl' ? profile.nameNl : profile.nameEn}</dd></>)}
          <dt>{t.institution}</dt><dd>{i.name}, {i.place} ({i.brin}{i.location})</dd>
          <dt>{p.codeType === 'crebo' ? 'Crebo' : p.codeType === 'croho' ? 'CROHO' : t.qualification}</dt><dd>{p.code}</dd>
          <dt>{t.awardDate}</dt><dd>{formatDay(d.awardDate, lang)}</dd>
          <dt>{t.level}</dt><dd>NLQF {d.nlqf} / EQF {d.eqf}</dd>
          <dt>{t.status}</dt><dd>{t.state[d.state]}</dd>
        </dl>
        {d.grades && (
          <>
            <h2>{t.grades}</h2>
            <DataTable id="grades" caption={t.grades}>
              <thead><tr><th scope="col">{t.subject}</th><th scope="col">{t.schoolExam}</th><th scope="col">{t.centralExam}</th><th scope="col">{t.final}</th></tr></thead>
              <tbody>
                {d.grades.map((g) => (
                  <tr><td>{lang === 'nl' ? g.subjectNl : g.subjectEn}</td><td>{mark(g.schoolExam)}</td><td>{mark(g.centralExam)}</td><td>{g.final}</td></tr>
                ))}
              </tbody>
            </DataTable>
          </>
        )}
        {d.state === 'valid' && (
          <>
            <h2>{t.download}</h2>
            <form method="post" action={`/portal/diplomas/${d.id}/extract`} class="actions">
              <input type="hidden" name="csrf" value={session.csrfToken} />
              <button type="submit" name="lang" value="nl">{t.downloadNl}</button>
              <button type="submit" name="lang" value="en">{t.downloadEn}</button>
            </form>
          </>
        )}
      </PortalPage>,
    );
  });

  router.post('/portal/diplomas/:id/extract', async (c) => {
    const deps = c.get('deps');
    const form = await c.req.parseBody();
    const lang = form.lang;
    if (lang !== 'nl' && lang !== 'en') return errorPage(c, 'badLanguage');
    const issuer = extractIssuer(deps, c.get('services'));
    if (!issuer) return errorPage(c, 'unavailable');
    const id = c.req.param('id');
    if (!isId(id)) return errorPage(c, 'notFound');
    try {
      const extract = await issueExtract(deps.db, issuer, { diplomaId: id, lang, issuedBy: 'holder', holderSubjectId: c.get('session').subjectId, now: deps.clock.now(), requestId: c.get('requestId') });
      return new Response(extract.pdf as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: {
          'Content-Type': 'application/pdf',
          'Content-Disposition': `attachment; filename="${lang === 'nl' ? 'uittreksel' : 'extract'}-${extract.number}.pdf"`,
          'Cache-Control': 'no-store',
        },
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'DIPLOMA_NOT_FOUND') return errorPage(c, 'notFound');
      if (err.code === 'DIPLOMA_NOT_CURRENT') return errorPage(c, 'notCurrent');
      return errorPage(c, 'unavailable');
    }
  });

  router.get('/portal/extracts/:id/withdraw', async (c) => {
    const { db } = c.get('deps');
    const { lang, session } = { lang: c.get('lang'), session: c.get('session') };
    const t = portalTexts[lang];
    const id = c.req.param('id');
    if (!isId(id)) return errorPage(c, 'notFound');
    const [e] = await holderExtracts(db, session.subjectId, id);
    if (!e) return errorPage(c, 'notFound');
    if (e.state !== 'active') return errorPage(c, 'notActive');
    const number = formatExtractNumber(e.number);
    return c.html(
      <PortalPage lang={lang} t={t} title={t.confirmWithdrawTitle(number)} session={session} languageHref={sameInOther(c, lang === 'nl' ? 'en' : 'nl')}>
        <h1>{t.confirmWithdrawTitle(number)}</h1>
        <dl class="facts">
          <dt>{t.number}</dt><dd><code>{number}</code></dd>
          <dt>{t.qualification}</dt><dd>{lang === 'nl' ? e.programmeNl : e.programmeEn}</dd>
          <dt>{t.date}</dt><dd>{formatDay(e.issuedAt.toISOString().slice(0, 10), lang)}</dd>
          <dt>{t.language}</dt><dd>{t.langName[e.lang]}</dd>
        </dl>
        <p>{t.confirmWithdrawText}</p>
        <form method="post" action={`/portal/extracts/${id}/withdraw`} class="actions">
          <input type="hidden" name="csrf" value={session.csrfToken} />
          <button type="submit">{t.confirmWithdraw}</button>{' '}
          <a href="/portal/">{t.keepExtract}</a>
        </form>
      </PortalPage>,
    );
  });

  router.post('/portal/extracts/:id/withdraw', async (c) => {
    const deps = c.get('deps');
    const id = c.req.param('id');
    if (!isId(id)) return errorPage(c, 'notFound');
    try {
      await withdrawExtract(deps.db, { extractId: id, holderSubjectId: c.get('session').subjectId, now: deps.clock.now(), requestId: c.get('requestId') });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return errorPage(c, err.code === 'EXTRACT_NOT_ACTIVE' ? 'notActive' : 'notFound');
    }
    const [row] = await deps.db.select({ number: extracts.number }).from(extracts).where(eq(extracts.id, id));
    return c.redirect(`/portal/?withdrawn=${row!.number}`, 303);
  });

  return router;
}

function formatMoment(at: Date, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(at);
}

function formatDay(iso: string, lang: Lang): string {
  const d = new Date(`${iso}T12:00:00Z`);
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
}

