// How a page says something went wrong, for every page of the register: the title starts with
// "Fout:"/"Error:" and the focus starts on the error summary, so a screen reader announces both.

/** The page title of a page that shows an error: screen readers read the title first. */
export function errorTitle(lang: 'nl' | 'en', title: string): string {
  return `${lang === 'nl' ? 'Fout' : 'Error'}: ${title}`;
}

/**
 * The box at the top of a page with an error. It takes the focus as the page opens (tabindex -1 and
 * autofocus: no script, the CSP stays strict), so a screen reader announces it at once. `heading`
 * is the page's h1 when the error is the whole page, else an h2 above a form's messages.
 */
export function ErrorSummary(props: { heading: string; level?: 1 | 2; children: unknown }) {
  const Heading = props.level === 2 ? 'h2' : 'h1';
  return (
    <div class="error-summary" id="error-summary" tabindex={-1} autofocus>
      <Heading>{props.heading}</Heading>
      {props.children as never}
    </div>
  );
}
