// The small part of CommonMark the reference's texts use (OpenAPI descriptions are CommonMark):
// paragraphs, "- " lists, `code`, **strong** and [links](…). Everything else stays text; the JSX
// escapes it, so a description can never inject markup.
import type { Child } from 'hono/jsx';

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

export function Markdown(props: { text: string | undefined }) {
  const blocks = (props.text ?? '').trim().split(/\n\s*\n/).filter(Boolean);
  return (
    <>
      {blocks.map((block) => {
        const lines = block.split('\n');
        if (lines.every((line) => line.startsWith('- '))) {
          return <ul>{lines.map((line) => <li>{inline(line.slice(2))}</li>)}</ul>;
        }
        return <p>{inline(lines.join(' '))}</p>;
      })}
    </>
  );
}

export function inline(text: string): Child[] {
  const out: Child[] = [];
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > at) out.push(text.slice(at, m.index));
    const [, code, strong, label, href] = m;
    if (code !== undefined) out.push(<code>{code}</code>);
    else if (strong !== undefined) out.push(<strong>{inline(strong)}</strong>);
    else if (/^(https:\/\/|\/|#)/.test(href!)) out.push(<a href={href}>{inline(label!)}</a>);
    else out.push(m[0]);
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}
