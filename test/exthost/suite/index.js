// @ts-check
// Extension-host test suite: runs INSIDE VS Code's extension host with the real `vscode` API.
// Entry point for `extensionTestsPath` (VS Code calls run() and fails the run if it throws):
//   - desktop VS Code via @vscode/test-electron: test/exthost/runElectron.js
//   - code-server's extension-test mode (URL payload): scripts/e2e/exthost.js
// Plain CommonJS on purpose: it needs no build step and is not picked up by the unit tests.
// Every result is logged as "EXTHOST ok|FAIL <name>" and "EXTHOST SUMMARY {...}" for the drivers.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'scap-lens.scap-lens';
const FIXTURE = 'seed-epipe.scap.txt';
const TIMEOUT_MS = Number(process.env.SCAP_LENS_EXTHOST_TIMEOUT_MS || 30000);

/** @type {{name: string, fn: () => Promise<void>}[]} */
const tests = [];
/** @param {string} name @param {() => Promise<void>} fn */
const test = (name, fn) => tests.push({ name, fn });

/** @template T @param {Promise<T>} p @param {string} what @returns {Promise<T>} */
function within(p, what, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

// The fixture: from the open workspace folder if it has it, else from the repository.
function fixtureUri() {
  for (const folder of vscode.workspace.workspaceFolders || []) {
    const candidate = vscode.Uri.joinPath(folder.uri, FIXTURE);
    if (candidate.scheme === 'file' && fs.existsSync(candidate.fsPath)) return candidate;
  }
  return vscode.Uri.file(path.resolve(__dirname, '../../fixtures', FIXTURE));
}

/** 0-based line of the first fixture line matching `re`. @param {vscode.TextDocument} doc @param {RegExp} re */
function lineOf(doc, re) {
  for (let i = 0; i < doc.lineCount; i++) if (re.test(doc.lineAt(i).text)) return i;
  throw new Error(`no line matches ${re} in ${FIXTURE}`);
}

/** Position inside the fd number of `fd=N(` on a line. @param {vscode.TextDocument} doc @param {number} line */
function fdPosition(doc, line) {
  const m = /fd=(\d+)\(/.exec(doc.lineAt(line).text);
  if (!m) throw new Error(`line ${line + 1} has no fd=N(`);
  return new vscode.Position(line, m.index + 'fd='.length + 1);
}

/** @param {vscode.Diagnostic} d */
const codeOf = (d) => String(typeof d.code === 'object' && d.code !== null ? d.code.value : d.code);

/** Diagnostics for `uri` once the server has published some (event-driven, bounded). @param {vscode.Uri} uri */
function diagnosticsFor(uri) {
  const now = vscode.languages.getDiagnostics(uri);
  if (now.length) return Promise.resolve(now);
  /** @type {vscode.Disposable | undefined} */
  let sub;
  const published = new Promise((resolve) => {
    sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const diags = vscode.languages.getDiagnostics(uri);
      if (diags.length) resolve(diags);
    });
  });
  return within(published, `diagnostics for ${FIXTURE}`).finally(() => sub?.dispose());
}

/** @param {vscode.Hover[]} hovers */
const hoverText = (hovers) => (hovers || []).flatMap((h) => h.contents)
  .map((c) => (typeof c === 'string' ? c : c.value)).join('\n');

/** @type {vscode.TextDocument} */
let doc;
/** @type {vscode.Uri} */
let uri;

test('the fixture opens in the scap language', async () => {
  uri = fixtureUri();
  doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, 'scap');
});

test('the extension activates and registers scapLens.restartServer', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  await within(Promise.resolve(ext.activate()), 'activation');
  assert.ok(ext.isActive, 'extension is not active');
  const commands = await vscode.commands.getCommands(true);
  assert.ok(commands.includes('scapLens.restartServer'), 'command scapLens.restartServer is not registered');
});

test('diagnostics: one EPIPE error and one unread-write warning, with related events', async () => {
  const diags = await diagnosticsFor(uri);
  const summary = diags.map((d) => `${d.range.start.line + 1}:${codeOf(d)}:${vscode.DiagnosticSeverity[d.severity]}`).join(', ');
  const errors = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error && codeOf(d) === 'epipe');
  const warnings = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning && codeOf(d) === 'unread-write');
  assert.equal(errors.length, 1, `expected one error with code epipe, got [${summary}]`);
  assert.equal(warnings.length, 1, `expected one warning with code unread-write, got [${summary}]`);
  assert.equal(errors[0].range.start.line, lineOf(doc, /res=-32\(EPIPE\)/), 'epipe error is not on the EPIPE line');
  assert.match(errors[0].message, /EPIPE/);
  assert.equal(warnings[0].range.start.line, lineOf(doc, /uwsgi .*< write res=/), 'unread-write warning is not on uwsgi\'s first write exit');
  for (const d of [errors[0], warnings[0]]) {
    assert.ok(d.relatedInformation && d.relatedInformation.length > 0, `${codeOf(d)} has no relatedInformation`);
  }
});

test('hover on httpd\'s fd names the peer process (uwsgi)', async () => {
  const line = lineOf(doc, /httpd .*> writev fd=\d+\(.*size=699/);
  /** @type {vscode.Hover[]} */
  const hovers = await within(Promise.resolve(vscode.commands.executeCommand('vscode.executeHoverProvider', uri, fdPosition(doc, line))), 'hover');
  const text = hoverText(hovers);
  assert.match(text, /uwsgi/, `hover text: ${JSON.stringify(text)}`);
});

test('definition on httpd\'s 699-byte writev goes to uwsgi\'s read of those bytes', async () => {
  const line = lineOf(doc, /httpd .*> writev fd=\d+\(.*size=699/);
  const target = lineOf(doc, /uwsgi .*< read res=699/);
  /** @type {(vscode.Location | vscode.LocationLink)[]} */
  const defs = await within(Promise.resolve(vscode.commands.executeCommand('vscode.executeDefinitionProvider', uri, fdPosition(doc, line))), 'definition');
  assert.ok(defs && defs.length > 0, 'no definition');
  const lines = defs.map((d) => ('targetUri' in d ? (d.targetSelectionRange || d.targetRange) : d.range).start.line);
  assert.ok(lines.includes(target), `definition lines (0-based) ${JSON.stringify(lines)}, expected ${target}`);
});

test('document symbols: processes httpd and uwsgi with their connection', async () => {
  /** @type {(vscode.DocumentSymbol | vscode.SymbolInformation)[]} */
  const symbols = await within(Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', uri)), 'document symbols');
  assert.ok(symbols && symbols.length > 0, 'no document symbols');
  const names = symbols.map((s) => s.name);
  for (const proc of ['httpd', 'uwsgi']) {
    const s = symbols.find((x) => x.name.includes(proc));
    assert.ok(s, `no symbol for ${proc}; top-level symbols: ${JSON.stringify(names)}`);
    const peer = proc === 'httpd' ? 'uwsgi' : 'httpd';
    const children = 'children' in s ? s.children : [];
    assert.ok(children.some((c) => `${c.name} ${c.detail || ""}`.includes(peer)),
      `${proc} has no child mentioning ${peer}; children: ${JSON.stringify(children.map((c) => c.name))}`);
  }
});

/** The open sequence diagram tabs (the webview panel of scapLens.showSequenceDiagram). */
function diagramTabs() {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('scapLens.sequenceDiagram'));
}

/** Resolves once a diagram tab with this label is open (event-driven, bounded). @param {RegExp} label */
function diagramTabOpen(label) {
  const found = () => diagramTabs().find((t) => label.test(t.label));
  if (found()) return Promise.resolve(found());
  /** @type {vscode.Disposable | undefined} */
  let sub;
  const opened = new Promise((resolve) => {
    sub = vscode.window.tabGroups.onDidChangeTabs(() => { if (found()) resolve(found()); });
  });
  return within(opened, `a sequence diagram tab named ${label}`).finally(() => sub?.dispose());
}

test('scapLens.showSequenceDiagram with a DumpPosition argument opens the diagram of that connection', async () => {
  await vscode.window.tabGroups.close(diagramTabs());
  const line = lineOf(doc, /res=-32\(EPIPE\)/);
  await vscode.commands.executeCommand('scapLens.showSequenceDiagram', { uri: uri.toString(), line });
  const tab = await diagramTabOpen(/httpd ⟷ uwsgi/);
  assert.equal(diagramTabs().length, 1, 'one panel');
  await vscode.window.tabGroups.close(tab);
});

test('the EPIPE finding\'s code action "Show sequence diagram" (as in Problems) opens the diagram', async () => {
  await vscode.window.tabGroups.close(diagramTabs());
  const epipe = (await diagnosticsFor(uri)).find((d) => codeOf(d) === 'epipe');
  assert.ok(epipe, 'no epipe diagnostic');
  /** @type {vscode.CodeAction[]} */
  const actions = await within(Promise.resolve(vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, epipe.range)), 'code actions');
  const action = (actions || []).find((a) => a.title === 'Show sequence diagram');
  assert.ok(action && action.command, `code actions: ${JSON.stringify((actions || []).map((a) => a.title))}`);
  await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments || []));
  const tab = await diagramTabOpen(/httpd ⟷ uwsgi/);
  await vscode.window.tabGroups.close(tab);
});

test('scapLens.showSequenceDiagram without an argument uses the cursor of the active dump', async () => {
  const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  const line = lineOf(doc, /uwsgi .*< read res=699/);
  editor.selection = new vscode.Selection(line, 0, line, 0);
  await vscode.commands.executeCommand('scapLens.showSequenceDiagram');
  const tab = await diagramTabOpen(/httpd ⟷ uwsgi/);
  await vscode.window.tabGroups.close(tab);
});

// A binary capture: from the workspace (scripts/e2e/run.sh copies it there), else the repository.
function captureUri(name) {
  for (const folder of vscode.workspace.workspaceFolders || []) {
    const candidate = vscode.Uri.joinPath(folder.uri, name);
    if (candidate.scheme === 'file' && fs.existsSync(candidate.fsPath)) return candidate;
  }
  return vscode.Uri.file(path.resolve(__dirname, '../../fixtures', name));
}

test('Convert Capture runs sysdig into a cached dump equal to sysdig -r\'s; a sysdig path that does not exist gives none', async () => {
  const capture = captureUri('libs-single-ipv6-conn.scap');
  /** @type {vscode.Uri | undefined} */
  const dump = await within(Promise.resolve(vscode.commands.executeCommand('scapLens.convertCapture', capture, '')), 'the conversion');
  assert.ok(dump, 'the conversion gave no dump');
  assert.match(dump.fsPath, /libs-single-ipv6-conn\.scap\.txt$/);
  const expected = fs.readFileSync(path.resolve(__dirname, '../../fixtures/libs-single-ipv6-conn.scap.txt'), 'latin1');
  assert.equal(fs.readFileSync(dump.fsPath, 'latin1'), expected);
  const config = vscode.workspace.getConfiguration('scapLens');
  await config.update('sysdig.path', '/nonexistent/sysdig', vscode.ConfigurationTarget.Global);
  try {
    // Another filter, so the cache cannot answer: sysdig must run, and cannot.
    const none = await within(Promise.resolve(vscode.commands.executeCommand('scapLens.convertCapture', capture, 'evt.type=connect')), 'the failed conversion');
    assert.equal(none, undefined);
  } finally {
    await config.update('sysdig.path', undefined, vscode.ConfigurationTarget.Global);
  }
});

exports.run = async function run() {
  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    try {
      await t.fn();
      passed++;
      console.log(`EXTHOST ok   ${t.name}`);
    } catch (e) {
      failed++;
      console.log(`EXTHOST FAIL ${t.name}: ${e instanceof Error ? e.message : e}`);
      if (!doc && t === tests[0]) break; // nothing else can run without the document
    }
  }
  failed += tests.length - passed - failed; // tests skipped after a fatal failure
  console.log(`EXTHOST SUMMARY ${JSON.stringify({ passed, failed })}`);
  if (failed) throw new Error(`${failed} extension-host test(s) failed`);
};
