// The public verifier's pages (/v): scan the QR code, type the number + two letters, or upload the
// PDF; the result screen; "report suspected forgery". Server-rendered and usable without script;
// /static/verifier.js adds the camera, photo decoding and the QR landing's automatic check.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../deps.ts';
import { AppError } from '../errors.ts';
import { clientAddress } from '../http/rate-limit.ts';
import { Layout } from '../web/layout.tsx';
import { ErrorSummary, errorTitle } from '../web/error-summary.tsx';
import { pickLang, type Lang } from '../web/lang.ts';
import { formatExtractNumber, parseExtractNumber } from '../extracts/extract-number.ts';
import type { Check } from '../verification/checks.ts';
import { VERDICT_LABELS } from '../verification/checks.ts';
import type { VerificationResult } from '../verification/pipeline.ts';
import { verifierTexts, type VerifierTexts } from './page-texts.ts';
import { fileForgeryReport, holdVerification, MAX_REPORT_MESSAGE, type HeldVerification } from './reports.ts';
import type { Verifier } from './verifier-service.ts';

export const PAGE_UPLOAD_PATH = '/v/upload';
/** multipart boundaries, headers and the other fields around the file */
export const UPLOAD_FORM_OVERHEAD = 64 * 1024;

type PageContext = Context<AppEnv>;

const langQuery = (lang: Lang) => `?lang=${lang}`;

function VerifierPage(props: { lang: Lang; t: VerifierTexts; title: string; path: string; children: unknown; scripts?: string[] }) {
  const other = props.lang === 'nl' ? 'en' : 'nl';
  return (
    <Layout lang={props.lang} title={`${props.title} — Diplomaregister`} stylesheets={['/static/verifier.css']}>
      <nav class="portal-bar" aria-label={props.lang === 'nl' ? 'Taal' : 'Language'}>
        <a href={`${props.path}?lang=${other}`} lang={other} hreflang={other}>
          {props.t.otherLanguage}
        </a>
      </nav>
      {props.children as never}
      {(props.scripts ?? []).map((src) => (
        <script src={src} defer></script>
      ))}
    </Layout>
  );
}

/**
 * A field's description and validity: an invalid field is marked so and described by its message
 * as well as its hint, so a screen reader says what is wrong on reaching it.
 */
function fieldState(hintId: string, errorId: string, invalid: boolean | undefined) {
  return invalid ? { 'aria-describedby': `${hintId} ${errorId}`, 'aria-invalid': 'true' } : { 'aria-describedby': hintId };
}

type NumberField = 'number' | 'letters';

/** An error of the number form; `invalid` names the fields it is about (none for "too many attempts"). */
interface NumberError {
  message: string;
  invalid: readonly NumberField[];
}

/** An error of the upload form; `invalid` when the file chosen is at fault (not when uploads are down). */
interface UploadError {
  message: string;
  invalid: boolean;
}

/*
 * The messages beside the fields have no role="alert": the page opens with the focus on the error
 * summary, which a screen reader announces; an alert as well would say everything twice.
 */
function NumberForm(props: { t: VerifierTexts; lang: Lang; number?: string; error?: NumberError; headingLevel?: 2 | 1 }) {
  const t = props.t.number;
  const Heading = props.headingLevel === 1 ? 'h1' : 'h2';
  const invalid = (field: NumberField) => props.error?.invalid.includes(field);
  return (
    <section class="entrance" aria-labelledby="number-heading">
      <Heading id="number-heading">{t.heading}</Heading>
      <p>{t.intro}</p>
      {props.error && (
        <p class="error" id="number-error">
          {props.error.message}
        </p>
      )}
      <form method="post" action={`/v/check${langQuery(props.lang)}`} novalidate>
        <div class="field">
          <label for="number">{t.number}</label>
          <p class="hint" id="number-hint">{t.numberHint}</p>
          <input
            id="number"
            name="number"
            type="text"
            required
            maxlength={40}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            value={props.number ?? ''}
            {...fieldState('number-hint', 'number-error', invalid('number'))}
          />
        </div>
        <div class="field">
          <label for="letters">{t.letters}</label>
          <p class="hint" id="letters-hint">{t.lettersHint}</p>
          <input id="letters" class="short" name="letters" type="text" required maxlength={8} autocomplete="off" spellcheck={false} {...fieldState('letters-hint', 'number-error', invalid('letters'))} />
        </div>
        <button type="submit">{t.submit}</button>
      </form>
    </section>
  );
}

function UploadForm(props: { t: VerifierTexts; lang: Lang; error?: UploadError; maxBytes: number }) {
  const t = props.t.upload;
  return (
    <section class="entrance" aria-labelledby="upload-heading">
      <h2 id="upload-heading">{t.heading}</h2>
      <p>{t.intro}</p>
      {props.error && (
        <p class="error" id="upload-error">
          {props.error.message}
        </p>
      )}
      <form method="post" action={`${PAGE_UPLOAD_PATH}${langQuery(props.lang)}`} enctype="multipart/form-data" data-upload data-max-bytes={String(props.maxBytes)} data-too-large={t.tooLarge}>
        <div class="field">
          <label for="file">{t.file}</label>
          <p class="hint" id="file-hint">{t.fileHint}</p>
          <input id="file" name="file" type="file" accept="application/pdf,.pdf" required {...fieldState('file-hint upload-error-script', 'upload-error', props.error?.invalid)} />
          {/* the script's own message (a file over the limit, stopped before sending); empty until then */}
          <p class="error" role="alert" id="upload-error-script" data-upload-error hidden></p>
        </div>
        <button type="submit">{t.submit}</button>
      </form>
    </section>
  );
}

function ScanSection(props: { t: VerifierTexts; baseUrl: string }) {
  const t = props.t.scan;
  return (
    <section class="entrance" aria-labelledby="scan-heading">
      <h2 id="scan-heading">{t.heading}</h2>
      <p data-scan-fallback>{t.noScript}</p>
      <div
        data-scanner
        hidden
        data-base-url={props.baseUrl}
        data-text-starting={t.starting}
        data-text-looking={t.looking}
        data-text-no-camera={t.noCamera}
        data-text-not-ours={t.notOurs}
        data-text-not-found={t.notFoundInImage}
        data-text-found={t.found}
        data-text-stop={t.stop}
        data-text-start={t.start}
      >
        <button type="button" data-camera-toggle>
          {t.start}
        </button>
        <video data-video playsinline muted hidden aria-hidden="true"></video>
        <div class="field">
          <label for="qr-photo">{t.photo}</label>
          <p class="hint" id="qr-photo-hint">{t.photoHint}</p>
          <input id="qr-photo" type="file" accept="image/*" aria-describedby="qr-photo-hint" data-qr-photo />
        </div>
        <p class="scan-status" role="status" aria-live="polite" data-scan-status></p>
      </div>
    </section>
  );
}

function formatDate(iso: unknown, lang: Lang): string {
  if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return '';
  const d = new Date(`${iso.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 10);
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
}

function formatMoment(d: Date, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(d);
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function localized(values: unknown, lang: Lang): string {
  if (!Array.isArray(values)) return '';
  const pick = values.find((v) => obj(v)['@language'] === lang) ?? values[0];
  return str(obj(pick)['@value']);
}

const KIND_NAMES: Record<string, { nl: string; en: string }> = {
  diploma: { nl: 'Diploma', en: 'Diploma' },
  getuigschrift: { nl: 'Getuigschrift', en: 'Certificate (getuigschrift)' },
  certificaat: { nl: 'Certificaat', en: 'Certificate' },
};
const SCHEME_NAMES: Record<string, string> = { croho: 'CROHO', crebo: 'crebo', vo: 'vo' };

function VerifiedData(props: { credential: Obj; t: VerifierTexts; lang: Lang }) {
  const t = props.t.result;
  const subject = obj(props.credential.credentialSubject);
  const achievement = obj(subject.achievement);
  const qualification = obj(achievement.qualification);
  const awardedBy = obj(achievement.awardedBy);
  const body = obj(awardedBy.awardingBody);
  const profile = obj(achievement.profile);
  const kind = KIND_NAMES[str(achievement.kind)]?.[props.lang] ?? str(achievement.kind);
  const profileTitle = localized(profile.title, props.lang);
  const rows: Array<[string, string]> = [
    [t.name, str(subject.name)],
    [t.birthDate, formatDate(subject.birthDate, props.lang)],
    [t.qualification, `${kind}: ${localized(achievement.title, props.lang)}${profileTitle ? ` (${profileTitle})` : ''}`],
    [t.code, `${SCHEME_NAMES[str(qualification.codeScheme)] ?? str(qualification.codeScheme)} ${str(qualification.code)}`],
    [t.institution, `${str(body.name)}, ${str(body.place)}`],
    [t.institutionCode, `${str(body.institutionCode)}${str(body.locationCode) ? ` (${str(body.locationCode)})` : ''}`],
    [t.awardDate, formatDate(awardedBy.awardingDate, props.lang)],
    [t.level, `NLQF ${str(qualification.nlqfLevel)} / EQF ${String(qualification.eqfLevel ?? '')}`],
  ];
  return (
    <dl class="data">
      {rows.map(([term, value]) => (
        <div>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A passed check of the credential inside a file whose seal or binding failed (pdf-upload.ts). */
const embeddedOnly = (check: Check) => check.status === 'passed' && check.details?.embeddedCredentialOnly === true;

function CheckList(props: { checks: Check[]; t: VerifierTexts; lang: Lang }) {
  const t = props.t.result;
  return (
    <>
      {props.checks.some(embeddedOnly) && (
        <p class="note" id="embedded-only-note">
          {t.embeddedOnlyNote}
        </p>
      )}
      <ol class="checks">
        {props.checks.map((check) => (
          <li class={`check check-${check.status}${embeddedOnly(check) ? ' check-embedded-only' : ''}`}>
            <span class="check-name">{check.details?.seal === true ? t.sealName : t.checkNames[check.id]}</span>{' '}
            <span class="check-status">{embeddedOnly(check) ? t.embeddedOnlyStatus : t.statusNames[check.status]}</span>
            <p>{check.message[props.lang]}</p>
            <p class="check-code">{check.code}</p>
          </li>
        ))}
      </ol>
    </>
  );
}

type ReportField = 'message' | 'contact';

function ReportForm(props: { t: VerifierTexts; lang: Lang; token: string; error?: string; invalid?: ReportField; message?: string; contact?: string; open?: boolean }) {
  const t = props.t.report;
  return (
    <section class="report" aria-labelledby="report-heading">
      <h2 id="report-heading">{t.heading}</h2>
      <p>{t.intro}</p>
      {props.error && (
        <p class="error" id="report-error">
          {props.error}
        </p>
      )}
      <form method="post" action={`/v/report${langQuery(props.lang)}`}>
        <input type="hidden" name="token" value={props.token} />
        <div class="field">
          <label for="report-message">{t.message}</label>
          <p class="hint" id="report-message-hint">{t.messageHint}</p>
          <textarea id="report-message" name="message" rows={5} maxlength={MAX_REPORT_MESSAGE} required {...fieldState('report-message-hint', 'report-error', props.invalid === 'message')}>
            {props.message ?? ''}
          </textarea>
        </div>
        <div class="field">
          <label for="report-contact">{t.contact}</label>
          <p class="hint" id="report-contact-hint">{t.contactHint}</p>
          <input id="report-contact" name="contact" type="email" autocomplete="email" maxlength={254} value={props.contact ?? ''} {...fieldState('report-contact-hint', 'report-error', props.invalid === 'contact')} />
        </div>
        <button type="submit">{t.submit}</button>
      </form>
    </section>
  );
}

/** Not every "not authentic" is a forgery: a key taken out of trust or a changed file says so. */
function verdictIntro(result: VerificationResult, t: VerifierTexts): string {
  const failed = (code: string) => result.checks.some((check) => check.status === 'failed' && check.code === code);
  if (result.verdict === 'not_authentic' && failed('KEY_COMPROMISED')) return t.result.keyCompromisedIntro;
  if (result.verdict === 'not_authentic' && failed('NOT_YET_VALID')) return t.result.notYetValidIntro;
  return t.result.verdictIntro[result.verdict];
}

/**
 * Why no register data is shown. Data is shown for an authentic extract only: under any other
 * verdict it would read as confirmed, and after a withdrawal the holder consented to the number
 * and the verdict alone.
 */
function dataWithheld(result: VerificationResult, t: VerifierTexts): string {
  if (result.verdict === 'revoked') return t.result.dataRevoked;
  if (result.verdict === 'superseded' || result.verdict === 'suspended' || result.verdict === 'unknown') return t.result.dataNotInForce;
  return t.result.dataUnverified;
}

function ResultPage(props: { lang: Lang; t: VerifierTexts; result: VerificationResult; token?: string; checkedAt: Date; fileSha256?: string; number?: string }) {
  const { lang, t, result } = props;
  const issuerPassed = result.checks.some((c) => c.id === 'issuer' && c.status === 'passed');
  const credential = issuerPassed && result.verdict === 'authentic' ? result.credential : undefined;
  return (
    <VerifierPage lang={lang} t={t} title={`${VERDICT_LABELS[result.verdict][lang]} — ${t.result.title}`} path="/v" scripts={['/static/verifier.js']}>
      <section class={`verdict verdict-${result.verdict}`} aria-labelledby="verdict-heading">
        <p class="verdict-kicker">{t.result.title}</p>
        <h1 id="verdict-heading" data-verdict={result.verdict}>
          {VERDICT_LABELS[result.verdict][lang]}
        </h1>
        <p>{verdictIntro(result, t)}</p>
      </section>
      <section aria-labelledby="data-heading">
        <h2 id="data-heading">{t.result.dataHeading}</h2>
        {credential ? <VerifiedData credential={credential} t={t} lang={lang} /> : <p>{dataWithheld(result, t)}</p>}
        <dl class="data meta">
          {props.number && (
            <div>
              <dt>{t.number.number}</dt>
              <dd>{props.number}</dd>
            </div>
          )}
          {props.fileSha256 && (
            <div>
              <dt>{t.result.file}</dt>
              <dd class="hash">{props.fileSha256}</dd>
            </div>
          )}
          <div>
            <dt>{t.result.checkedAt}</dt>
            <dd>{formatMoment(props.checkedAt, lang)}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="checks-heading">
        <h2 id="checks-heading">{t.result.checksHeading}</h2>
        <CheckList checks={result.checks} t={t} lang={lang} />
      </section>
      <p class="actions">
        <button type="button" data-print hidden>
          {t.result.print}
        </button>{' '}
        <a href={`/v${langQuery(lang)}`}>{t.result.again}</a>
      </p>
      {props.token !== undefined && <ReportForm t={t} lang={lang} token={props.token} />}
    </VerifierPage>
  );
}

function HomePage(props: { lang: Lang; t: VerifierTexts; baseUrl: string; maxBytes: number; numberError?: NumberError; uploadError?: UploadError; number?: string }) {
  const { lang, t, numberError, uploadError } = props;
  const failed = numberError !== undefined || uploadError !== undefined;
  return (
    <VerifierPage lang={lang} t={t} title={failed ? errorTitle(lang, t.title) : t.title} path="/v" scripts={['/static/vendor/jsQR.js', '/static/verifier.js']}>
      <h1>{t.title}</h1>
      {failed && (
        <ErrorSummary heading={t.errors.title} level={2}>
          <ul>
            {numberError && (
              <li>
                <a href={`#${numberError.invalid[0] ?? 'number'}`}>{numberError.message}</a>
              </li>
            )}
            {uploadError && (
              <li>
                <a href="#file">{uploadError.message}</a>
              </li>
            )}
          </ul>
        </ErrorSummary>
      )}
      <p class="lead">{t.intro}</p>
      <ScanSection t={t} baseUrl={props.baseUrl} />
      <NumberForm t={t} lang={lang} {...(props.number ? { number: props.number } : {})} {...(props.numberError ? { error: props.numberError } : {})} />
      <UploadForm t={t} lang={lang} maxBytes={props.maxBytes} {...(props.uploadError ? { error: props.uploadError } : {})} />
    </VerifierPage>
  );
}

/** The page behind the QR code: the secret is in the fragment, which only the browser sees. */
function QrLandingPage(props: { lang: Lang; t: VerifierTexts; number: string }) {
  const { lang, t } = props;
  return (
    <VerifierPage lang={lang} t={t} title={t.qr.heading} path={`/v/${props.number}`} scripts={['/static/verifier.js']}>
      <h1>{t.qr.heading}</h1>
      <form method="post" action={`/v/check${langQuery(lang)}`} data-qr-secret hidden>
        <input type="hidden" name="number" value={props.number} />
        <input type="hidden" name="secret" value="" />
        <p role="status" aria-live="polite">
          {t.qr.checking}
        </p>
      </form>
      <div data-qr-fallback>
        <p>{t.qr.noSecret}</p>
        <NumberForm t={t} lang={lang} number={props.number} />
      </div>
    </VerifierPage>
  );
}

/** Puts a TOO_MANY_ATTEMPTS error's Retry-After on the page; returns the seconds to tell the reader. */
function retrySeconds(c: PageContext, err: AppError): number {
  const seconds = Math.max(1, Number(err.extra?.retryAfterSeconds ?? 60));
  c.header('Retry-After', String(seconds));
  return seconds;
}

export function verifierPages(verifier: Verifier) {
  const router = new Hono<AppEnv>();

  const page = (c: PageContext) => {
    const lang = pickLang(c);
    return { lang, t: verifierTexts[lang], deps: c.get('deps') };
  };

  /**
   * The forms post to their own site only. A browser names the site a form was sent from in
   * Origin; one that is present and not ours is another site driving a visitor's browser (checks,
   * uploads or reports under the visitor's address and rate limits), refused before anything is
   * read, counted or stored. A request without Origin (curl, older clients) passes: it is no more
   * than any client can send by itself. The JSON APIs are for other sites and are not checked.
   */
  const ownSiteOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined || origin === new URL(c.get('deps').config.publicBaseUrl).origin) return next();
    const { lang, t } = page(c);
    c.status(403);
    c.header('Cache-Control', 'no-store');
    // the body is never read: a client reusing this connection would hang
    c.header('Connection', 'close');
    return c.html(
      <VerifierPage lang={lang} t={t} title={errorTitle(lang, t.errors.foreignOriginTitle)} path="/v">
        <ErrorSummary heading={t.errors.foreignOriginTitle}>
          <p>{t.errors.foreignOrigin}</p>
        </ErrorSummary>
        <p>
          <a href={`/v${langQuery(lang)}`}>{t.title}</a>
        </p>
      </VerifierPage>,
    );
  };

  const showResult = async (c: PageContext, held: HeldVerification, extra: { number?: string } = {}) => {
    const { lang, t, deps } = page(c);
    const now = deps.clock.now();
    // a file that is no extract at all is nothing to report as a forgery: no report form, nothing held
    const holding = { heldFiles: verifier.heldFiles, client: clientAddress(c.req.raw, c.env, deps.config.trustedClientIpHeader) };
    const token = held.result.verdict === 'unreadable' ? undefined : await holdVerification(deps.db, held, now, holding);
    c.header('Cache-Control', 'no-store');
    return c.html(
      <ResultPage lang={lang} t={t} result={held.result} {...(token ? { token } : {})} checkedAt={now} {...(held.fileSha256 ? { fileSha256: held.fileSha256 } : {})} {...extra} />,
    );
  };

  const home = (c: PageContext, status: 200 | 400 | 404 | 413 | 429 | 503, errors: { number?: NumberError; upload?: UploadError; numberValue?: string } = {}) => {
    const { lang, t, deps } = page(c);
    c.status(status);
    return c.html(
      <HomePage
        lang={lang}
        t={t}
        baseUrl={deps.config.publicBaseUrl}
        maxBytes={deps.config.uploadLimit}
        {...(errors.number ? { numberError: errors.number } : {})}
        {...(errors.upload ? { uploadError: errors.upload } : {})}
        {...(errors.numberValue ? { number: errors.numberValue } : {})}
      />,
    );
  };

  router.get('/v', (c) => home(c, 200));

  router.get('/v/:number{[0-9A-Za-z-]{1,40}}', (c) => {
    const { lang, t } = page(c);
    const canonical = parseExtractNumber(c.req.param('number'));
    if (!canonical) return home(c, 404, { number: { message: t.errors.notFound, invalid: ['number'] }, numberValue: c.req.param('number') });
    return c.html(<QrLandingPage lang={lang} t={t} number={formatExtractNumber(canonical)} />);
  });

  router.post('/v/check', ownSiteOnly, async (c) => {
    const { t, deps } = page(c);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const number = typeof form.number === 'string' ? form.number.trim().slice(0, 40) : '';
    const secret = typeof form.secret === 'string' && form.secret ? form.secret.slice(0, 64) : undefined;
    const letters = typeof form.letters === 'string' ? form.letters.trim().slice(0, 8) : '';
    if (!number || (!secret && !letters)) {
      const missing: NumberField[] = [...(number ? [] : ['number' as const]), ...(secret || letters ? [] : ['letters' as const])];
      return home(c, 400, { number: { message: t.errors.missingInput, invalid: missing }, numberValue: number });
    }
    try {
      const verified = await verifier.extract(deps, secret ? { number, secret } : { number, letters }, clientAddress(c.req.raw, c.env, c.get('deps').config.trustedClientIpHeader));
      const canonical = parseExtractNumber(number);
      return await showResult(c, { entrance: verified.entrance, result: verified.result, extractId: verified.extractId }, canonical ? { number: formatExtractNumber(canonical) } : {});
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'TOO_MANY_ATTEMPTS') return home(c, 429, { number: { message: t.errors.tooMany(retrySeconds(c, err)), invalid: [] }, numberValue: number });
      // an unknown or malformed number and wrong letters get one answer: either field may be at fault
      if (err.code === 'EXTRACT_NOT_FOUND') return home(c, 404, { number: { message: t.errors.notFound, invalid: secret ? ['number'] : ['number', 'letters'] }, numberValue: number });
      throw err;
    }
  });

  router.post(
    PAGE_UPLOAD_PATH,
    ownSiteOnly,
    async (c, next) => {
      const { deps, t } = page(c);
      const limit = deps.config.uploadLimit;
      return bodyLimit({ maxSize: limit + UPLOAD_FORM_OVERHEAD, onError: (cc) => {
          // the rest of the body is never read: a client reusing this connection would hang
          cc.header('Connection', 'close');
          return home(cc as PageContext, 413, { upload: { message: t.errors.tooLarge(Math.round(limit / 1024 / 1024)), invalid: true } });
        } })(c, next);
    },
    async (c) => {
      const { t, deps } = page(c);
      const limit = deps.config.uploadLimit;
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const file = form.file;
      if (!(file instanceof File) || file.size === 0) return home(c, 400, { upload: { message: t.errors.noFile, invalid: true } });
      if (file.size > limit) return home(c, 413, { upload: { message: t.errors.tooLarge(Math.round(limit / 1024 / 1024)), invalid: true } });
      const bytes = new Uint8Array(await file.arrayBuffer());
      let verified: Awaited<ReturnType<Verifier['upload']>>;
      try {
        verified = await verifier.upload(deps, bytes, clientAddress(c.req.raw, c.env, c.get('deps').config.trustedClientIpHeader));
      } catch (err) {
        if (err instanceof AppError && err.code === 'UPLOAD_UNAVAILABLE') return home(c, 503, { upload: { message: t.errors.uploadUnavailable, invalid: false } });
        if (err instanceof AppError && err.code === 'TOO_MANY_ATTEMPTS') return home(c, 429, { upload: { message: t.errors.tooMany(retrySeconds(c, err)), invalid: false } });
        throw err;
      }
      // the file is held for a report only when it is a PDF carrying a credential: junk is not kept
      const worthKeeping = verified.result.checks.some((check) => check.id === 'format' && check.status === 'passed');
      return showResult(c, { entrance: 'upload', result: verified.result, fileSha256: verified.sha256, ...(worthKeeping ? { file: bytes } : {}), ...(verified.extractId ? { extractId: verified.extractId } : {}) });
    },
  );

  router.post('/v/report', ownSiteOnly, async (c) => {
    const { lang, t, deps } = page(c);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === 'string' ? form.token.slice(0, 100) : '';
    const message = typeof form.message === 'string' ? form.message.trim() : '';
    const contact = typeof form.contact === 'string' ? form.contact.trim() : '';
    const again = (status: 400 | 410 | 429, error: string, invalid?: ReportField) => {
      c.status(status);
      return c.html(
        <VerifierPage lang={lang} t={t} title={errorTitle(lang, t.report.heading)} path="/v">
          <h1>{t.report.heading}</h1>
          <ErrorSummary heading={t.report.notSent} level={2}>
            {invalid ? (
              <ul>
                <li>
                  <a href={`#report-${invalid}`}>{error}</a>
                </li>
              </ul>
            ) : (
              <p>{error}</p>
            )}
          </ErrorSummary>
          {status === 410 ? (
            <p>
              <a href={`/v${langQuery(lang)}`}>{t.result.again}</a>
            </p>
          ) : (
            <ReportForm t={t} lang={lang} token={token} error={error} {...(invalid ? { invalid } : {})} message={message.slice(0, MAX_REPORT_MESSAGE)} contact={contact.slice(0, 254)} />
          )}
        </VerifierPage>,
      );
    };
    if (!message || message.length > MAX_REPORT_MESSAGE) return again(400, t.report.messageMissing, 'message');
    if (contact && (contact.length > 254 || !/^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/.test(contact))) return again(400, t.report.contactInvalid, 'contact');
    try {
      verifier.takeReport(clientAddress(c.req.raw, c.env, deps.config.trustedClientIpHeader));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'TOO_MANY_ATTEMPTS') throw err;
      return again(429, t.errors.tooMany(retrySeconds(c, err)));
    }
    const outcome = await fileForgeryReport(deps.db, { token, message, ...(contact ? { contact } : {}), lang }, deps.clock.now(), c.get('requestId'), verifier.heldFiles);
    if (!outcome.ok) return again(410, t.report.expired);
    deps.logger.info('forgery_report_received', { requestId: c.get('requestId') });
    return c.html(
      <VerifierPage lang={lang} t={t} title={t.report.thanksTitle} path="/v">
        <h1>{t.report.thanksTitle}</h1>
        <p role="status" data-report-reference={outcome.reference}>
          {t.report.thanks(outcome.reference)}
        </p>
        <p>
          <a href={`/v${langQuery(lang)}`}>{t.result.again}</a>
        </p>
      </VerifierPage>,
    );
  });

  return router;
}
