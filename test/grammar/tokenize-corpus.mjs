// Load syntaxes/scap.tmLanguage.json with vscode-textmate + vscode-oniguruma (the same engine as
// VS Code, both shipped with vscode-tmgrammar-test) and tokenize every line of real dumps.
// Fails (exit 1) if the grammar throws, if a rule stays open at the end of a line (state leaking
// into the next line), or if a line that matches sysdig's event-line regex (FORMAT.md section 1)
// is not scoped as an event at column 0.
// Usage: node test/grammar/tokenize-corpus.mjs [FILE...]   (default: a few big corpus dumps)
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const tm = require('vscode-textmate');
const onig = require('vscode-oniguruma');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = '/work/shared/corpus';
const defaults = [
  'sysdig/k8strouble__capture.scap.txt',
  'sysdig/instruqt__svh5_activity.scap.txt',
  'sysdig/falco__psp_privileged.scap.txt',
  'sysdig/variants/k8strouble__capture.net.A.txt',
  'sysdig/variants/k8strouble__capture.net.X.txt',
  'sysdig/variants/k8strouble__capture.D_internal.txt',
  'sysdig/variants/wstrouble__example5_httpd.ta.txt',
  'sysdig/variants/wstrouble__example5_httpd.tr.txt',
  'converted/revert-httpd-POST-single.scap.txt',
].map((f) => path.join(corpus, f));

const files = process.argv.slice(2).length ? process.argv.slice(2) : defaults.filter((f) => existsSync(f));
if (files.length === 0) { console.error('no input files'); process.exit(1); }

await onig.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);
const registry = new tm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (p) => new onig.OnigScanner(p),
    createOnigString: (s) => new onig.OnigString(s),
  }),
  loadGrammar: async (scope) => scope === 'source.scap'
    ? tm.parseRawGrammar(readFileSync(path.join(root, 'syntaxes/scap.tmLanguage.json'), 'utf8'), 'scap.tmLanguage.json')
    : null,
});
const grammar = await registry.loadGrammar('source.scap');
const eventLine = /^(\d+) (\d{2}:\d{2}:\d{2}\.\d{9}|\d+\.\d+) (\d+) (.+?) \((-?\d+)\) ([<>]) (\S+)/;

let failures = 0;
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let state = tm.INITIAL, events = 0, slowest = 0;
  const t0 = Date.now();
  const fail = (i, msg) => { if (++failures <= 20) console.error(`${file}:${i + 1}: ${msg}`); };
  lines.forEach((line, i) => {
    const t = Date.now();
    let r;
    try { r = grammar.tokenizeLine(line, state); } catch (e) { fail(i, `threw ${e}`); return; }
    slowest = Math.max(slowest, Date.now() - t);
    state = r.ruleStack;
    if (state.depth !== 1) { fail(i, `rule still open at end of line (depth ${state.depth})`); state = tm.INITIAL; }
    const m = eventLine.exec(line);
    if (m) {
      events++;
      const dir = m[6] === '>' ? 'meta.event.enter.scap' : 'meta.event.exit.scap';
      if (!r.tokens[0].scopes.includes(dir)) fail(i, `event line not scoped ${dir}: ${r.tokens[0].scopes.join(' ')}`);
    }
  });
  console.log(`${path.relative(corpus, file)}: ${lines.length} lines, ${events} events, ${Date.now() - t0} ms, slowest line ${slowest} ms`);
}
if (failures) { console.error(`${failures} failure(s)`); process.exit(1); }
console.log('ok');
