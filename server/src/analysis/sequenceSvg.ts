// Draws a Sequence (sequence.ts) as SVG. Shared by the webview, which draws only the rows
// in view of a tall SVG as it scrolls, and by `scap-lens diagram` and "Save as SVG", which
// draw all of it into one standalone file. Pure string building: no DOM, no Node.
// Colours are CSS classes; SEQUENCE_CSS maps them to VS Code's theme variables, with light
// fallbacks for a standalone file opened in a browser.

import type { RowKind, Sequence, SequenceArrow, UnreadBytes } from './sequence';

/** Geometry shared by the webview (for scrolling and hit tests) and the renderer. */
export interface SequenceLayout {
  /** The y of each row's centre, in body coordinates (0 = top of the first row's slot). */
  rowY: Float64Array;
  /** The y of the break drawn after row `afterRow` for each gap. */
  gapY: Float64Array;
  laneX: number[];
  width: number;
  /** Height of the body (rows and gaps). */
  height: number;
  headerHeight: number;
  laneSpacing: number;
  /** The sequence's notes, wrapped to the width. */
  noteLines: string[];
}

export const ROW_HEIGHT = 24;
const GAP_HEIGHT = 30;
const TIME_WIDTH = 214;
const LABEL_WIDTH = 180;
const LANE_SPACING = 440;
const MIN_LANE_SPACING = 220;
const HEADER_HEIGHT = 80;
const NOTE_HEIGHT = 18;

/**
 * Rows one slot apart, plus a little more the longer the pause before them (up to 14 px at
 * 1 ms), so the eye sees bursts; a pause of GAP_NS or more is a labelled break instead.
 * With `fitWidth` (a narrow webview) the lanes move closer, down to MIN_LANE_SPACING.
 */
export function layoutSequence(sequence: Sequence, fitWidth?: number): SequenceLayout {
  const rows = sequence.rows;
  const rowY = new Float64Array(rows.length);
  const gapY = new Float64Array(sequence.gaps.length);
  let gap = 0;
  let y = ROW_HEIGHT / 2;
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) {
      y += ROW_HEIGHT;
      if (gap < sequence.gaps.length && sequence.gaps[gap].afterRow === i - 1) {
        gapY[gap++] = y - ROW_HEIGHT / 2 + GAP_HEIGHT / 2;
        y += GAP_HEIGHT;
      } else {
        const ns = rows[i].time - rows[i - 1].time;
        if (ns > 1000) y += Math.min(14, Math.round(Math.log10(ns / 1000) * 4.7));
      }
    }
    rowY[i] = y;
  }
  const lanes = Math.max(1, sequence.lifelines.length);
  const spacing = fitWidth === undefined || lanes < 2 ? LANE_SPACING
    : Math.max(MIN_LANE_SPACING, Math.min(LANE_SPACING, (fitWidth - TIME_WIDTH - 2 * LABEL_WIDTH - 20) / (lanes - 1)));
  const laneX = Array.from({ length: lanes }, (_, i) => TIME_WIDTH + LABEL_WIDTH + Math.round(i * spacing));
  const width = laneX[lanes - 1] + LABEL_WIDTH + 20;
  const noteLines = sequence.notes.flatMap((note) => wrap(note, Math.floor((width - 16) / 7.3)));
  return {
    rowY, gapY, laneX, width, laneSpacing: lanes < 2 ? LANE_SPACING : laneX[1] - laneX[0],
    height: rows.length > 0 ? y + ROW_HEIGHT / 2 : ROW_HEIGHT,
    headerHeight: HEADER_HEIGHT + noteLines.length * NOTE_HEIGHT,
    noteLines,
  };
}

/** A sentence cut into lines of at most `columns` characters, at spaces. */
function wrap(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Escapes text for SVG/XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'))
    // Control characters are not allowed in XML 1.0 (a process name can hold anything).
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '\uFFFD');
}

/** `07:12:54.259735774` from ns modulo one day. */
export function clockTime(ns: number): string {
  if (!Number.isFinite(ns)) return '';
  const seconds = Math.floor(ns / 1e9);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600) % 24)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${String(Math.round(ns - seconds * 1e9)).padStart(9, '0')}`;
}

/** `+14.6 µs`, the pause before a row. */
function delta(ns: number): string {
  if (!(ns >= 0)) return '';
  if (ns < 1e3) return `+${ns} ns`;
  if (ns < 1e6) return `+${(ns / 1e3).toFixed(ns < 1e4 ? 1 : 0)} µs`;
  if (ns < 1e9) return `+${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `+${(ns / 1e9).toFixed(3)} s`;
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

/** The y range [top, bottom) of the body to draw; everything when absent. */
export interface Viewport {
  top: number;
  bottom: number;
}

export interface RenderOptions {
  viewport?: Viewport;
  /** The row shown as selected (the dump's cursor, or the keyboard's). */
  selectedRow?: number;
}

/** Index of the first row whose centre is at or below y (binary search). */
export function rowAtOrBelow(layout: SequenceLayout, y: number): number {
  let lo = 0;
  let hi = layout.rowY.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (layout.rowY[mid] < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The body of the diagram (race windows, gaps, lifelines, arrows, rows) as SVG elements in
 * body coordinates; with a viewport, only what crosses it. Every element the user can click
 * carries `data-row` and `data-line` (the 0-based dump line of its event).
 */
export function renderBody(sequence: Sequence, layout: SequenceLayout, options: RenderOptions = {}): string {
  const top = options.viewport?.top ?? -Infinity;
  const bottom = options.viewport?.bottom ?? Infinity;
  const { rowY, laneX } = layout;
  const rows = sequence.rows;
  const out: string[] = [];
  const half = ROW_HEIGHT / 2;
  const crosses = (y0: number, y1: number) => Math.max(y0, y1) + half >= top && Math.min(y0, y1) - half <= bottom;
  const selected = options.selectedRow;

  if (selected !== undefined && selected >= 0 && selected < rows.length && crosses(rowY[selected], rowY[selected])) {
    out.push(`<rect class="selection" x="0" y="${n(rowY[selected] - half)}" width="${layout.width}" height="${ROW_HEIGHT}"/>`);
  }

  const x0 = laneX[0] - 24;
  const x1 = laneX[laneX.length - 1] + 24;
  for (const race of sequence.races) {
    const y0 = rowY[race.fromRow] - half + 3;
    const y1 = rowY[race.toRow] + half - 3;
    if (!crosses(y0, y1)) continue;
    // A failure's label sits between the close and the failed call; an unread window's just
    // above it, where only arrows pass (its first row carries a "never read" label).
    const labelY = race.kind === 'failure' ? (y0 + y1) / 2 + 4 : y0 - 5;
    out.push(`<g class="race ${race.kind}" data-row="${race.toRow}" data-line="${rows[race.toRow].line}">`
      + `<title>${xmlEscape(race.text)}</title>`
      + `<rect x="${n(x0)}" y="${n(y0)}" width="${n(x1 - x0)}" height="${n(y1 - y0)}" rx="4"/>`
      + `<text class="race-label halo" x="${n((x0 + x1) / 2)}" y="${n(labelY)}" text-anchor="middle">${xmlEscape(race.text)}</text></g>`);
  }

  sequence.gaps.forEach((gap, i) => {
    const y = layout.gapY[i];
    if (!crosses(y, y)) return;
    const zigzags = laneX.map((x) => `<path class="zigzag" d="M${x - 6} ${n(y - 6)} l12 4 l-12 4 l12 4"/>`).join('');
    out.push(`<g class="gap"><rect x="0" y="${n(y - GAP_HEIGHT / 2 + 4)}" width="${layout.width}" height="${GAP_HEIGHT - 8}"/>`
      + `<text x="8" y="${n(y + 4)}">⋯ ${xmlEscape(gap.text)} later ⋯</text>${zigzags}</g>`);
  });

  // Lifelines: from the first row of the lane (the top, when the end was open before the
  // capture) to its close (the bottom, when the capture ends first).
  sequence.lifelines.forEach((lifeline, lane) => {
    let first = -1;
    for (let i = 0; i < rows.length; i++) if (rows[i].lane === lane) { first = i; break; }
    const opened = lifeline.role === 'connect' || lifeline.role === 'accept';
    const y0 = opened && first >= 0 ? rowY[first] : 0;
    const closed = lifeline.closedRow !== undefined;
    const y1 = closed ? rowY[lifeline.closedRow!] : layout.height;
    const a = Math.max(y0, top - half);
    const b = Math.min(y1, bottom + half);
    if (a < b) out.push(`<line class="lifeline${closed ? '' : ' open-end'}" x1="${laneX[lane]}" y1="${n(a)}" x2="${laneX[lane]}" y2="${n(b)}"/>`);
  });

  for (const arrow of sequence.arrows) {
    if (crosses(rowY[arrow.fromRow], rowY[arrow.toRow])) out.push(drawArrow(sequence, layout, arrow, arrow.fromRow === selected || arrow.toRow === selected));
  }
  for (const left of sequence.unread) {
    if (crosses(rowY[left.row], rowY[left.row])) out.push(drawUnread(sequence, layout, left));
  }

  const first = rowAtOrBelow(layout, top - ROW_HEIGHT);
  for (let i = first; i < rows.length && rowY[i] - half <= bottom; i++) out.push(drawRow(sequence, layout, i, i === selected));
  return out.join('\n');
}

function drawRow(sequence: Sequence, layout: SequenceLayout, i: number, selected: boolean): string {
  const row = sequence.rows[i];
  const y = layout.rowY[i];
  const x = layout.laneX[row.lane];
  // Labels go outside the lanes: left of the first, right of the others.
  const left = row.lane === 0 && layout.laneX.length > 1;
  const labelX = left ? x - 12 : x + 12;
  const anchor = left ? 'end' : 'start';
  const previous = i > 0 ? sequence.rows[i - 1].time : NaN;
  const what = `${row.type}${row.bytes ? `, bytes ${row.bytes.start}–${row.bytes.end}` : ''}${row.errno ? `, ${row.errno}` : ''}`;
  const title = sequence.connection.lineNumbered ? `line ${row.line + 1}: ${what}` : `event ${row.num}: ${what} (line ${row.line + 1})`;
  const parts = [
    `<g class="row k-${row.kind}${selected ? ' selected' : ''}" data-row="${i}" data-line="${row.line}"><title>${xmlEscape(title)}</title>`,
    `<rect class="hit" x="${left ? x - LABEL_WIDTH : x - 8}" y="${n(y - ROW_HEIGHT / 2)}" width="${LABEL_WIDTH + 8}" height="${ROW_HEIGHT}"/>`,
    `<text class="time" x="8" y="${n(y + 4)}">${clockTime(row.time)}</text>`,
    // An unknown time is NaN here and null after JSON (the webview): neither is a number.
    i > 0 && Number.isFinite(row.time) && Number.isFinite(previous) && row.time - previous >= 0 ? `<text class="delta" x="${TIME_WIDTH - 10}" y="${n(y + 4)}" text-anchor="end">${delta(row.time - previous)}</text>` : '',
    marker(row.kind, x, y),
    `<text class="label" x="${labelX}" y="${n(y + 4)}" text-anchor="${anchor}">${xmlEscape(row.text)}`
      + `<tspan class="num"> #${row.num}</tspan></text>`,
    '</g>',
  ];
  return parts.join('');
}

function marker(kind: RowKind, x: number, y: number): string {
  switch (kind) {
    case 'close':
      return `<path class="mark end" d="M${x - 9} ${n(y)} h18 M${x - 6} ${n(y + 4)} h12"/>`;
    case 'shutdown':
      return `<path class="mark end" d="M${x - 9} ${n(y)} h18"/>`;
    case 'failed':
      return `<circle class="mark" cx="${x}" cy="${n(y)}" r="4"/>`;
    case 'other':
      return `<circle class="mark" cx="${x}" cy="${n(y)}" r="2"/>`;
    default:
      return `<circle class="mark" cx="${x}" cy="${n(y)}" r="3.5"/>`;
  }
}

/** An arrowhead at (x2, y2) pointing away from (x1, y1). */
function head(x1: number, y1: number, x2: number, y2: number): string {
  const length = Math.hypot(x2 - x1, y2 - y1) || 1;
  const ux = (x2 - x1) / length;
  const uy = (y2 - y1) / length;
  const bx = x2 - ux * 9;
  const by = y2 - uy * 9;
  return `<path class="head" d="M${n(x2)} ${n(y2)} L${n(bx - uy * 4)} ${n(by + ux * 4)} L${n(bx + uy * 4)} ${n(by - ux * 4)} Z"/>`;
}

function drawArrow(sequence: Sequence, layout: SequenceLayout, arrow: SequenceArrow, selected: boolean): string {
  const rows = sequence.rows;
  const from = rows[arrow.fromRow];
  let xa = layout.laneX[arrow.fromLane];
  let xb = layout.laneX[arrow.toLane];
  const ya = layout.rowY[arrow.fromRow];
  const yb = layout.rowY[arrow.toRow];
  const direction = Math.sign(xb - xa) || 1;
  xa += direction * 5;
  xb -= direction * 5;
  // The line of the call the arrow starts from: a failed read's arrow starts on the peer's lane.
  const line = arrow.kind === 'failed' ? rows[arrow.toRow].line : from.line;
  const row = arrow.kind === 'failed' ? arrow.toRow : arrow.fromRow;
  const text = arrow.records ? `${arrow.text} · ${arrow.records}` : arrow.text;
  // strace and LID-DS number no events: their rows are named by line, as everywhere else.
  const at = (r: { num: number; line: number }) => (sequence.connection.lineNumbered ? `line ${r.line + 1}` : `event ${r.num}`);
  const title = arrow.kind === 'data'
    ? `bytes ${arrow.bytes!.start}–${arrow.bytes!.end}: written at ${at(from)}, read at ${at(rows[arrow.toRow])}${arrow.records ? ` (${arrow.records})` : ''}`
    : arrow.kind === 'failed' ? `${rows[row].type} failed with ${arrow.text}${arrow.causeRow !== undefined ? `: the peer closed at ${at(rows[arrow.causeRow])}` : ''}`
      : arrow.kind === 'eof' ? `end of file: the peer closed at ${at(from)}` : `connect at ${at(from)}, accepted at ${at(rows[arrow.toRow])}`;
  // A failed arrow's label goes past the cross, clear of the race window's label.
  const mx = arrow.kind === 'failed' ? xb + direction * 16 : (xa + xb) / 2;
  const my = arrow.kind === 'failed' ? yb + 9 : (ya + yb) / 2;
  const textAnchor = arrow.kind !== 'failed' ? 'middle' : direction > 0 ? 'start' : 'end';
  let shape: string;
  if (arrow.kind === 'failed') {
    // Into the closed end: the arrow stops at a cross on the peer's (ended) lifeline.
    shape = `<line class="shaft" x1="${n(xa)}" y1="${n(ya)}" x2="${n(xb)}" y2="${n(yb)}"/>${head(xa, ya, xb, yb)}`
      + `<path class="cross" d="M${n(xb + direction * 5 - 5)} ${n(yb - 5)} l10 10 m0 -10 l-10 10"/>`;
  } else {
    shape = `<line class="shaft" x1="${n(xa)}" y1="${n(ya)}" x2="${n(xb)}" y2="${n(yb)}"/>${head(xa, ya, xb, yb)}`;
  }
  return `<g class="arrow ${arrow.kind}${selected ? ' selected' : ''}" data-row="${row}" data-line="${line}"><title>${xmlEscape(title)}</title>`
    + `<line class="hit" x1="${n(xa)}" y1="${n(ya)}" x2="${n(xb)}" y2="${n(yb)}"/>${shape}`
    + `<text class="arrow-label halo" x="${n(mx)}" y="${n(my - 5)}" text-anchor="${textAnchor}">${xmlEscape(text)}</text></g>`;
}

function drawUnread(sequence: Sequence, layout: SequenceLayout, left: UnreadBytes): string {
  const row = sequence.rows[left.row];
  const xa = layout.laneX[left.lane];
  const xb = layout.laneX[left.toLane];
  const y = layout.rowY[left.row];
  const direction = Math.sign(xb - xa) || 1;
  const end = xa + (xb - xa) * 0.42;
  const count = left.bytes.end - left.bytes.start;
  const what = left.why === 'closed' ? 'never read' : 'unread at end of capture';
  const text = `${count} B ${what}${left.records ? ` · ${left.records}` : ''}`;
  const title = `bytes ${left.bytes.start}–${left.bytes.end} written at ${sequence.connection.lineNumbered ? `line ${row.line + 1}` : `event ${row.num}`} were ${left.why === 'closed' ? 'never read: the reader closed first' : 'not read when the capture ended'}`;
  return `<g class="unread ${left.why}" data-row="${left.row}" data-line="${row.line}"><title>${xmlEscape(title)}</title>`
    + `<line class="hit" x1="${n(xa)}" y1="${n(y)}" x2="${n(end)}" y2="${n(y)}"/>`
    + `<line class="shaft" x1="${n(xa + direction * 5)}" y1="${n(y)}" x2="${n(end)}" y2="${n(y)}"/>`
    + `<path class="stop" d="M${n(end)} ${n(y - 6)} v12"/>`
    + `<text class="unread-label halo" x="${n(end + direction * 6)}" y="${n(y + 4)}" text-anchor="${direction > 0 ? 'start' : 'end'}">${xmlEscape(text)}</text></g>`;
}

/** Lifeline heads and the connection's name, in header coordinates (height layout.headerHeight). */
export function renderHeader(sequence: Sequence, layout: SequenceLayout): string {
  const c = sequence.connection;
  const kind = c.kind === 'unix' ? 'unix socket' : c.datagram ? `${c.kind.toUpperCase()} socket` : `${c.kind.replace(/\d$/, '').toUpperCase()} connection`;
  // A socket whose fd names no pair has no tuple: at most its path.
  const addresses = [c.tuple, c.path].filter((part) => part !== undefined && part.length > 0).join(' ');
  const out: string[] = [`<text class="title" x="8" y="18">${xmlEscape(`${kind}${addresses ? ` ${addresses}` : ', addresses not printed'}`)}</text>`];
  sequence.lifelines.forEach((lifeline, lane) => {
    const x = layout.laneX[lane];
    const role = lifeline.role === 'unknown' ? 'open before capture' : lifeline.role === 'connect' ? 'connected' : 'accepted';
    const bytes = `wrote ${lifeline.bytesWritten} B · read ${lifeline.bytesRead} B`;
    const width = Math.min(layout.laneSpacing - 10, Math.max(150, lifeline.label.length * 7.4 + 20, bytes.length * 6.2 + 16));
    out.push(`<g class="head-box" data-lane="${lane}"><rect x="${n(x - width / 2)}" y="26" width="${n(width)}" height="48" rx="4"/>`
      + `<text class="lifeline-label" x="${x}" y="41" text-anchor="middle">${xmlEscape(lifeline.label)}</text>`
      + `<text class="lifeline-sub" x="${x}" y="55" text-anchor="middle">${role}</text>`
      + `<text class="lifeline-sub" x="${x}" y="68" text-anchor="middle">${bytes}</text></g>`);
  });
  layout.noteLines.forEach((note, i) => out.push(`<text class="note" x="8" y="${HEADER_HEIGHT + 12 + i * NOTE_HEIGHT}">${xmlEscape(note)}</text>`));
  return out.join('\n');
}

/**
 * Colours from VS Code's theme variables; the fallbacks are a light theme, for the
 * standalone file. Text uses the editor's monospace font, as the dump does.
 */
export const SEQUENCE_CSS = `
.seq { font-family: var(--vscode-editor-font-family, ui-monospace, Menlo, Consolas, monospace); font-size: 12px; }
.seq text { fill: var(--vscode-editor-foreground, #1f1f1f); }
.seq .title { font-weight: bold; }
.seq .note { fill: var(--vscode-editorWarning-foreground, #9a6700); }
.seq .head-box rect { fill: var(--vscode-editorWidget-background, #f3f3f3); stroke: var(--vscode-editorWidget-border, #8a8a8a); }
.seq .lifeline-label { font-weight: bold; }
.seq .lifeline-sub, .seq .time, .seq .delta, .seq .num { fill: var(--vscode-descriptionForeground, #6a6a6a); }
.seq .delta, .seq .num, .seq .lifeline-sub { font-size: 10px; }
.seq .lifeline { stroke: var(--vscode-editorWidget-border, #8a8a8a); stroke-width: 2; }
.seq .lifeline.open-end { stroke-dasharray: 6 4; }
.seq .mark { fill: var(--vscode-editor-foreground, #1f1f1f); }
.seq .mark.end { fill: none; stroke: var(--vscode-editor-foreground, #1f1f1f); stroke-width: 2.5; }
.seq .k-other .mark, .seq .k-other text { fill: var(--vscode-disabledForeground, #8a8a8a); }
.seq .k-failed .mark, .seq .k-failed .label { fill: var(--vscode-errorForeground, #d01f1f); }
.seq .k-close .label, .seq .k-shutdown .label { font-weight: bold; }
.seq .hit { fill: transparent; stroke: transparent; stroke-width: 10; cursor: pointer; }
.seq .row .hit { stroke: none; }
.seq .shaft { stroke: var(--vscode-charts-blue, #1a73e8); stroke-width: 1.5; }
.seq .head { fill: var(--vscode-charts-blue, #1a73e8); }
.seq .arrow-label { fill: var(--vscode-charts-blue, #1a73e8); font-size: 11px; }
.seq .arrow.open .shaft, .seq .arrow.eof .shaft { stroke: var(--vscode-descriptionForeground, #6a6a6a); stroke-dasharray: 5 3; }
.seq .arrow.open .head, .seq .arrow.eof .head { fill: var(--vscode-descriptionForeground, #6a6a6a); }
.seq .arrow.open .arrow-label, .seq .arrow.eof .arrow-label { fill: var(--vscode-descriptionForeground, #6a6a6a); }
.seq .arrow.failed .shaft { stroke: var(--vscode-errorForeground, #d01f1f); stroke-width: 2.5; }
.seq .arrow.failed .head { fill: var(--vscode-errorForeground, #d01f1f); }
.seq .arrow.failed .cross { stroke: var(--vscode-errorForeground, #d01f1f); stroke-width: 2.5; fill: none; }
.seq .arrow.failed .arrow-label { fill: var(--vscode-errorForeground, #d01f1f); font-weight: bold; }
.seq .unread .shaft { stroke: var(--vscode-charts-orange, #c26a00); stroke-width: 1.5; stroke-dasharray: 4 3; }
.seq .unread .stop { stroke: var(--vscode-charts-orange, #c26a00); stroke-width: 2.5; }
.seq .unread-label { fill: var(--vscode-charts-orange, #c26a00); font-size: 11px; font-weight: bold; }
.seq .unread.end-of-capture .unread-label { font-weight: normal; }
.seq .race rect { fill: var(--vscode-errorForeground, #d01f1f); fill-opacity: 0.09; stroke: var(--vscode-errorForeground, #d01f1f); stroke-opacity: 0.5; stroke-dasharray: 3 3; }
.seq .race.unread rect { fill: var(--vscode-charts-orange, #c26a00); fill-opacity: 0.05; stroke: var(--vscode-charts-orange, #c26a00); }
.seq .race-label { fill: var(--vscode-errorForeground, #d01f1f); font-weight: bold; }
.seq .race.unread .race-label { fill: var(--vscode-charts-orange, #c26a00); }
.seq .halo { paint-order: stroke; stroke: var(--vscode-editor-background, #ffffff); stroke-width: 4px; stroke-linejoin: round; }
.seq .gap rect { fill: var(--vscode-editorWidget-background, #f3f3f3); }
.seq .gap text { fill: var(--vscode-descriptionForeground, #6a6a6a); font-style: italic; }
.seq .zigzag { fill: none; stroke: var(--vscode-editorWidget-border, #8a8a8a); stroke-width: 2; }
.seq .selection { fill: var(--vscode-editor-selectionBackground, #add6ff); fill-opacity: 0.45; }
.seq .selected .label { font-weight: bold; }
.seq .selected .mark { stroke: var(--vscode-focusBorder, #0078d4); stroke-width: 2; }
.seq .arrow:hover .shaft, .seq .unread:hover .shaft, .seq .arrow.selected .shaft { stroke-width: 3; }
.seq .arrow.selected .arrow-label { font-weight: bold; }
`;

/**
 * The whole diagram as one standalone SVG file (for a bug report): header, notes and every
 * row, with SEQUENCE_CSS embedded and a background so it reads the same in any viewer.
 */
export function renderSequenceSvg(sequence: Sequence): string {
  const layout = layoutSequence(sequence);
  const height = Math.ceil(layout.headerHeight + layout.height + 8);
  const title = sequence.lifelines.map((l) => l.label).join(' ⟷ ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" class="seq" width="${layout.width}" height="${height}" viewBox="0 0 ${layout.width} ${height}">
<title>${xmlEscape(`Sequence: ${title}`)}</title>
<style>${SEQUENCE_CSS}</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<g class="header">
${renderHeader(sequence, layout)}
</g>
<g class="body" transform="translate(0 ${layout.headerHeight})">
${renderBody(sequence, layout)}
</g>
</svg>
`;
}
