// The sequence diagram page inside the webview (its own esbuild entry, for the browser).
// It gets a Sequence from the extension (client/src/diagramPanel.ts) and draws it with
// analysis/sequenceSvg.ts into one SVG as tall as the whole diagram, but only the rows in
// and near the view: a connection with 10 000 calls scrolls natively and redraws a few
// dozen rows per frame. Clicks and Enter ask the extension to move the dump's cursor;
// the dump's cursor, sent back, selects its row.

import type { Sequence } from '../../server/src/analysis/sequence';
import {
  type SequenceLayout, ROW_HEIGHT, clockTime, layoutSequence, renderBody, renderHeader, rowAtOrBelow,
} from '../../server/src/analysis/sequenceSvg';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type FromExtension =
  | { type: 'show'; sequence: Sequence; line: number; refreshed?: boolean }
  | { type: 'cursor'; line: number }
  | { type: 'gone'; message: string };

const vscode = acquireVsCodeApi();
const scroller = document.getElementById('scroller') as HTMLDivElement;
const header = document.getElementById('header') as unknown as SVGSVGElement;
const body = document.getElementById('body') as unknown as SVGSVGElement;
const status = document.getElementById('status') as HTMLSpanElement;

let sequence: Sequence | undefined;
let layout: SequenceLayout | undefined;
/** Each dump line of a row's call (enter, exit) → the row. */
let rowOfLine = new Map<number, number>();
/** Rows worth a jump (`]` and `[`): failed calls, bytes never read, closes, shutdowns, ends of file. */
let notable: number[] = [];
let selected = -1;
/** The body's y range drawn last; a scroll inside it redraws nothing. */
let drawn = { top: 0, bottom: -1 };
let frame = 0;
/**
 * The drawing's scale: below 1 when the panel is narrower than the diagram even with its
 * lanes moved closer, down to MIN_SCALE (smaller text is no longer readable; it scrolls then).
 */
let scale = 1;
const MIN_SCALE = 0.75;

/** How far beyond the view rows are drawn, so that a scroll of a screen needs no redraw. */
const MARGIN = 1.0;

/**
 * Draws a sequence. A refresh (the dump was edited or reloaded from disk) keeps the scroll
 * position, so that the rows the user was reading stay where they were.
 */
function show(next: Sequence, line: number, refreshed = false): void {
  const scrollTop = scroller.scrollTop;
  sequence = next;
  rowOfLine = new Map();
  next.rows.forEach((row, i) => {
    for (const l of [row.enterLine, row.exitLine, row.line]) if (l >= 0 && !rowOfLine.has(l)) rowOfLine.set(l, i);
  });
  const marked = new Set(next.unread.map((u) => u.row));
  notable = next.rows.flatMap((row, i) => (marked.has(i) || ['failed', 'close', 'shutdown', 'eof'].includes(row.kind) ? [i] : []));
  selected = rowOfLine.get(line) ?? -1;
  scroller.scrollTop = refreshed ? scrollTop : 0;
  relayout();
  if (selected >= 0 && !refreshed) scrollToRow(selected);
  draw(true);
  announce();
}

/** The dump changed and its line no longer holds a connection: an empty page that says so. */
function gone(message: string): void {
  sequence = undefined;
  layout = undefined;
  rowOfLine = new Map();
  notable = [];
  selected = -1;
  header.innerHTML = '';
  body.innerHTML = '';
  status.textContent = message;
}

/** Sizes both SVGs for the layout (again after a resize: the lanes follow the panel's width). */
function relayout(): void {
  if (!sequence) return;
  layout = layoutSequence(sequence, scroller.clientWidth);
  scale = Math.max(MIN_SCALE, Math.min(1, scroller.clientWidth / layout.width));
  // Drawn in layout units; the viewBox scales them to the panel, by exactly `scale` both
  // ways (no rounding: 1 px in 1 000 would be 250 px at the end of 10 000 rows).
  for (const [svg, height] of [[header, layout.headerHeight], [body, layout.height]] as const) {
    svg.setAttribute('viewBox', `0 0 ${layout.width} ${height}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('width', String(layout.width * scale));
    svg.setAttribute('height', String(height * scale));
  }
  header.innerHTML = renderHeader(sequence, layout);
  drawn = { top: 0, bottom: -1 };
}

/** The top of the view in layout units of the body (the header stays on top of it). */
function viewTop(): number {
  return scroller.scrollTop / scale - (layout?.headerHeight ?? 0);
}

function draw(force = false): void {
  if (!sequence || !layout) return;
  const top = viewTop();
  const height = scroller.clientHeight / scale;
  if (!force && top >= drawn.top && top + height <= drawn.bottom) return;
  const viewport = { top: top - height * MARGIN, bottom: top + height * (1 + MARGIN) };
  body.innerHTML = renderBody(sequence, layout, { viewport, selectedRow: selected >= 0 ? selected : undefined });
  drawn = viewport;
}

function scheduleDraw(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    draw();
  });
}

/** Scrolls so that the row is in view (centred when it was far away). */
function scrollToRow(row: number): void {
  if (!layout) return;
  const y = (layout.rowY[row] + layout.headerHeight) * scale;
  const top = scroller.scrollTop + layout.headerHeight * scale;
  const bottom = scroller.scrollTop + scroller.clientHeight - ROW_HEIGHT * scale;
  if (y < top || y > bottom) scroller.scrollTop = Math.max(0, y - scroller.clientHeight / 2);
}

function select(row: number, reveal: boolean): void {
  if (!sequence || sequence.rows.length === 0) return;
  selected = Math.max(0, Math.min(sequence.rows.length - 1, row));
  scrollToRow(selected);
  draw(true);
  announce();
  if (reveal) vscode.postMessage({ type: 'reveal', line: sequence.rows[selected].line });
}

function announce(): void {
  if (!sequence) return;
  const row = sequence.rows[selected];
  if (!row) {
    status.textContent = `${sequence.rows.length} calls`;
    return;
  }
  const lane = sequence.lifelines[row.lane];
  status.textContent = `${selected + 1}/${sequence.rows.length} · ${lane?.process ?? ''} ${row.text} · ${sequence.connection.lineNumbered ? `line ${row.line + 1}` : `event ${row.num}`} · ${clockTime(row.time)}`;
}

window.addEventListener('message', (event: MessageEvent<FromExtension>) => {
  const message = event.data;
  if (message.type === 'show') show(message.sequence, message.line, message.refreshed);
  else if (message.type === 'gone') gone(message.message);
  else if (message.type === 'cursor' && sequence) {
    const row = rowOfLine.get(message.line);
    if (row !== undefined && row !== selected) select(row, false);
  }
});

scroller.addEventListener('scroll', scheduleDraw, { passive: true });
window.addEventListener('resize', () => {
  relayout();
  draw(true);
});

body.addEventListener('click', (event) => {
  const target = (event.target as Element).closest('[data-line]');
  if (!target || !sequence) return;
  const row = Number(target.getAttribute('data-row'));
  const line = Number(target.getAttribute('data-line'));
  if (Number.isInteger(row)) {
    selected = row;
    draw(true);
    announce();
  }
  if (Number.isInteger(line)) vscode.postMessage({ type: 'reveal', line });
});

scroller.addEventListener('keydown', (event) => {
  if (!sequence || !layout) return;
  const page = Math.max(1, Math.floor(scroller.clientHeight / scale / ROW_HEIGHT) - 2);
  const at = selected >= 0 ? selected : rowAtOrBelow(layout, viewTop()) - 1;
  switch (event.key) {
    case 'ArrowDown': case 'j': select(at + 1, false); break;
    case 'ArrowUp': case 'k': select(at - 1, false); break;
    case 'PageDown': select(at + page, false); break;
    case 'PageUp': select(at - page, false); break;
    case 'Home': select(0, false); break;
    case 'End': select(sequence.rows.length - 1, false); break;
    case ']': select(notable.find((r) => r > at) ?? at, false); break;
    case '[': select([...notable].reverse().find((r) => r < at) ?? at, false); break;
    case 'Enter': case ' ': if (selected >= 0) select(selected, true); break;
    default: return;
  }
  event.preventDefault();
});

document.getElementById('save')!.addEventListener('click', () => vscode.postMessage({ type: 'save' }));
document.getElementById('follow')?.addEventListener('click', () => vscode.postMessage({ type: 'follow' }));

vscode.postMessage({ type: 'ready' });
