// Every evidence span of a pinned field, quoted with a little context beside the value: on a narrow
// window the report is far above, so the words are shown here, and each quote scrolls the report to
// its own span (the first is not the only one that can be reached).
import type { Span } from '../../domain/types';

const CONTEXT = 30;

export function excerpt(text: string, [start, end]: Span): { before: string; words: string; after: string } {
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(text.length, end + CONTEXT);
  const squash = (s: string) => s.replace(/\s+/g, ' ');
  return { before: (from > 0 ? '…' : '') + squash(text.slice(from, start)), words: squash(text.slice(start, end)), after: squash(text.slice(end, to)) + (to < text.length ? '…' : '') };
}

export function EvidenceList({ text, spans, title, onShow }: { text: string; spans: readonly Span[]; title: string; onShow: (span: Span) => void }) {
  if (spans.length === 0) return null;
  return (
    <ol className="evidence-list" aria-label={`Evidence for ${title}`} data-testid="evidence-list">
      {spans.map((span, i) => {
        const { before, words, after } = excerpt(text, span);
        return (
          <li key={`${span[0]}-${span[1]}`}>
            <button type="button" className="evidence-quote" onClick={() => onShow(span)} data-testid="evidence-quote" aria-label={`Show evidence ${i + 1} of ${spans.length} in the report: ${words}`}>
              {before}
              <mark className="evidence active">{words}</mark>
              {after}
            </button>
          </li>
        );
      })}
    </ol>
  );
}
