// @ts-check
// Playwright helpers for driving the VS Code workbench served by code-server.
// Used by test/e2e/ui.js (UI checks) and scripts/e2e/exthost.js (extension-host suite).
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.E2E_ARTIFACTS || path.resolve(__dirname, '../../.e2e/artifacts');
const t0 = Date.now();
const log = (...a) => console.log(`[+${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

/** Headless Chromium with a fresh temporary profile (playwright makes one; no $HOME writes with XDG set). */
function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Signs the page's browser context in to code-server with the run's password (CS_PASSWORD,
 * from scripts/e2e/codeserver.sh): the login form's POST sets the session cookie.
 */
async function signIn(page, base) {
  const response = await page.request.post(`${base}/login`, { form: { password: process.env.CS_PASSWORD ?? '' } });
  if (!response.ok()) throw new Error(`code-server login answered ${response.status()}`);
  const cookies = await page.context().cookies(base);
  if (cookies.length === 0) throw new Error('code-server login set no session cookie (is CS_PASSWORD set?)');
}

/** URL of the workbench with `folder` open, plus optional extra query parameters. */
function workbenchUrl(base, folder, extraQuery = '') {
  return `${base}/?folder=${encodeURIComponent(folder)}${extraQuery}`;
}

const norm = (/** @type {string} */ s) => s.replace(/\u00a0/g, ' ');

/** Open a file with Quick Open (Ctrl+P) and wait until the editor shows `expectText`. */
async function quickOpen(page, fileName, expectText, timeout = 20000) {
  const input = page.locator('.quick-input-widget input');
  // A webview that had the focus (the diagram) can take it back while Quick Open opens, and
  // Quick Open closes when it loses the focus: then it is opened again, up to three times.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    try {
      await input.waitFor({ state: 'visible', timeout: attempt < 3 ? 5000 : timeout });
      await input.fill(fileName, { timeout: attempt < 3 ? 5000 : timeout });
      // The focused row, not any row: the list of recently opened files is shown before the
      // filter applies, and Enter opens whichever row has the focus.
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: fileName }).first().waitFor({ timeout });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction((t) => [...document.querySelectorAll('.editor-instance .view-line')]
    .some((l) => (l.textContent || '').replace(/\u00a0/g, ' ').includes(t)), expectText, { timeout });
}

// In-page helper, installed before the workbench loads so waitForFunction can use it:
// window.__e2e.textBox({lineText, needle, offsetInNeedle, length}) gives the screen box of
// characters [offset, offset+length) of `needle` in the visible editor line containing
// `lineText`, and the computed colour of the token span holding the first of them.
// Monaco draws each token as a span, and spaces as U+00A0.
function pageHelpers() {
  const n = (s) => s.replace(/\u00a0/g, ' ');
  window.__e2e = {
    textBox({ lineText, needle, offsetInNeedle = 0, length }) {
      const line = [...document.querySelectorAll('.editor-instance .view-line')].find((l) => n(l.textContent || '').includes(lineText));
      if (!line) return null;
      const at = n(line.textContent || '').indexOf(needle);
      if (at < 0) return null;
      const start = at + offsetInNeedle;
      const end = start + (length ?? needle.length - offsetInNeedle);
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let pos = 0;
      let startNode = null;
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        const len = t.data.length;
        if (!startNode && start < pos + len) { startNode = t; range.setStart(t, start - pos); }
        if (startNode && end <= pos + len) { range.setEnd(t, end - pos); break; }
        pos += len;
      }
      if (!startNode) return null;
      const b = range.getBoundingClientRect();
      const span = startNode.parentElement;
      return { x: b.x, y: b.y, width: b.width, height: b.height, color: span ? getComputedStyle(span).color : '',
        token: span ? n(span.textContent || '') : '', className: span ? span.className : '' };
    },
  };
}

async function installHelpers(page) {
  await page.addInitScript(pageHelpers);
}

/** See pageHelpers. */
async function textBox(page, lineText, needle, offsetInNeedle = 0, length = undefined) {
  return page.evaluate((a) => window.__e2e.textBox(a), { lineText, needle, offsetInNeedle, length });
}

/** Text of the status bar's cursor position, e.g. "Ln 13, Col 28". */
async function cursorStatus(page) {
  return norm((await page.locator('#status\\.editor\\.selection').textContent({ timeout: 5000 })) || '').trim();
}

/** Wait until the status bar says the cursor is on 1-based `line`. */
async function waitForCursorLine(page, line, timeout = 15000) {
  await page.waitForFunction((ln) => new RegExp(`^Ln ${ln},`).test((document.querySelector('#status\\.editor\\.selection')?.textContent || '').trim()),
    line, { timeout });
}

/** Reveal 1-based `line` and put the cursor there: Quick Open in ":line" mode (like Ctrl+G,
 *  but opened with F1 so no Ctrl keyup can go astray; see the recipe's "stuck Ctrl"). */
async function goToLine(page, line, timeout = 10000) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await waitForCursorLine(page, line, timeout);
}

async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file }).catch((e) => log(`screenshot ${name} failed: ${e.message}`));
  return file;
}

/** Screenshot of the union of the boxes of `selectors` (first visible match each), grown by
 *  `grow` = {top, right, bottom, left} pixels and kept inside the viewport. For README images. */
async function clipShot(page, name, selectors, grow = {}) {
  const boxes = [];
  for (const sel of selectors) {
    const b = await page.locator(sel).first().boundingBox({ timeout: 5000 }).catch(() => null);
    if (b) boxes.push(b);
  }
  if (!boxes.length) return null;
  const vp = page.viewportSize();
  const x0 = Math.max(0, Math.min(...boxes.map((b) => b.x)) - (grow.left || 0));
  const y0 = Math.max(0, Math.min(...boxes.map((b) => b.y)) - (grow.top || 0));
  const x1 = Math.min(vp.width, Math.max(...boxes.map((b) => b.x + b.width)) + (grow.right || 0));
  const y1 = Math.min(vp.height, Math.max(...boxes.map((b) => b.y + b.height)) + (grow.bottom || 0));
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, clip: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } })
    .catch((e) => log(`screenshot ${name} failed: ${e.message}`));
  return file;
}

/** Run a command from the Command Palette by its label. */
async function runCommand(page, label, timeout = 15000) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
}

module.exports = { installHelpers, launch, signIn, workbenchUrl, quickOpen, textBox, cursorStatus, waitForCursorLine, goToLine, shot, clipShot, runCommand, log, norm, ARTIFACTS };
