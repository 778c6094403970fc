// Tokenizes every line of the strace fixtures with syntaxes/strace.tmLanguage.json (the same
// engine as VS Code: vscode-textmate + vscode-oniguruma, shipped with vscode-tmgrammar-test),
// and lines of 20 000 characters built to make a backtracking pattern slow. Fails (exit 1) if
// the grammar throws, if a rule stays open past the end of a line, if a trace line does not
// start with its pid or time scope, if a call's result is not scoped, or if a long line takes
// more than 500 ms (a linear scan takes 5–40 ms; a quadratic one, seconds).
//   node test/grammar/strace-lines.mjs [FILE...]   (default: every test/fixtures/**/*.strace)
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const tm = require('vscode-textmate');
const onig = require('vscode-oniguruma');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(root, 'test', 'fixtures');
const defaults = [
  ...readdirSync(fixtures).filter((n) => n.endsWith('.strace')).map((n) => path.join(fixtures, n)),
  ...readdirSync(path.join(fixtures, 'strace-flags')).filter((n) => n.endsWith('.strace')).map((n) => path.join(fixtures, 'strace-flags', n)),
];
const files = process.argv.length > 2 ? process.argv.slice(2) : defaults;

await onig.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);
const registry = new tm.Registry({
  onigLib: Promise.resolve({ createOnigScanner: (p) => new onig.OnigScanner(p), createOnigString: (s) => new onig.OnigString(s) }),
  loadGrammar: async (scope) => scope === 'source.strace'
    ? tm.parseRawGrammar(readFileSync(path.join(root, 'syntaxes/strace.tmLanguage.json'), 'utf8'), 'strace.tmLanguage.json')
    : null,
});
const grammar = await registry.loadGrammar('source.strace');

let failures = 0;
const fail = (where, message) => { if (++failures <= 20) console.error(`${where}: ${message}`); };

/** Tokenizes one line from the initial state; returns its tokens and the time it took. */
function tokenize(line, where) {
  const started = process.hrtime.bigint();
  let result;
  try {
    result = grammar.tokenizeLine(line, tm.INITIAL);
  } catch (error) {
    fail(where, `threw ${error}`);
    return undefined;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.ruleStack.depth !== 1) fail(where, `rule still open at end of line (depth ${result.ruleStack.depth})`);
  return { tokens: result.tokens, ms };
}

const scopesAt = (tokens, column) => tokens.find((t) => t.startIndex <= column && column < t.endIndex)?.scopes ?? [];

// `23745 12:14:44.321173 …`, `[pid 17738] 05:44:20.662013 …`, `17640<python3> …`, `05:44:20.658003 …`.
const traceLine = /^(?:\[pid +\d+\] |\d+(?:<[^>]*>)? +)?(?:\d\d:\d\d:\d\d(?:\.\d+)?|\d+\.\d+) /;
const completeCall = /\) += (?:-1 E|\?|\d)/;

for (const file of files) {
  const lines = readFileSync(file, 'latin1').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let slowest = 0;
  let results = 0;
  lines.forEach((line, i) => {
    const where = `${path.relative(root, file)}:${i + 1}`;
    const tokenized = tokenize(line, where);
    if (!tokenized) return;
    slowest = Math.max(slowest, tokenized.ms);
    if (!traceLine.test(line)) return;
    const first = scopesAt(tokenized.tokens, 0).join(' ');
    if (!/constant\.numeric\.pid|comment\.other\.timestamp|punctuation\.section\.pid/.test(first)) fail(where, `line start scoped ${first}`);
    const result = completeCall.exec(line);
    if (result && line.lastIndexOf(') = ') === result.index) {
      results++;
      const scopes = scopesAt(tokenized.tokens, result.index + result[0].length - 1).join(' ');
      if (!/meta\.result\.strace .*(constant\.numeric\.result|invalid\.illegal\.errno|constant\.language\.result|constant\.numeric\.fd)/.test(scopes)) {
        fail(where, `result scoped ${scopes}`);
      }
    }
  });
  console.log(`${path.relative(root, file)}: ${lines.length} lines, ${results} results checked, slowest line ${slowest.toFixed(1)} ms`);
}

// Lines of 20 000 characters that almost match a rule: a pattern with nested or overlapping
// quantifiers backtracks on them for seconds; the grammar must scan each once.
const N = 20_000;
const head = '23745 12:14:44.321173 ';
const longLines = {
  'a long string argument': `${head}write(1<pipe:[1]>, "${'a\\1'.repeat(N / 3)}", ${N}) = ${N}`,
  'an unterminated string': `${head}write(1<pipe:[1]>, "${'a'.repeat(N)}`,
  'fds without a closing >': `${head}read(${'5<a'.repeat(N / 3)}`,
  'a socket annotation without ]>': `${head}read(3<TCP:[${'127.0.0.1:80,'.repeat(N / 13)}`,
  'nested calls without results': `${head}${'f('.repeat(N / 2)}`,
  ') = without a result': `${head}read(${') = '.repeat(N / 4)}`,
  'a signal without its closing ---': `${head}--- SIGPIPE {${'si_signo=SIGPIPE, '.repeat(N / 18)}`,
  'digits only': '1'.repeat(N),
  'pid brackets': `[pid ${'1'.repeat(N)}`,
  'a pid with <comm> and no >': `17640<${'p'.repeat(N)}`,
};
for (const [name, line] of Object.entries(longLines)) {
  const tokenized = tokenize(line, name);
  if (tokenized && tokenized.ms > 500) fail(name, `${line.length} characters took ${tokenized.ms.toFixed(0)} ms`);
  if (tokenized) console.log(`long line, ${name}: ${line.length} characters in ${tokenized.ms.toFixed(1)} ms`);
}

if (failures) {
  console.error(`${failures} failure(s)`);
  process.exit(1);
}
console.log('ok');
