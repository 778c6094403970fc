// Runs the extension-host suite (test/exthost/suite/index.js) inside code-server: the workbench
// URL's payload sets extensionDevelopmentPath and extensionTestsPath (honoured because code-server
// runs with --vscode-option enable-smoke-test-driver). The workbench reports the suite's console
// output through window.codeAutomationLog and its end through window.codeAutomationExit(code).
// Env: CS_URL, WS_DIR, EXT_DIR (extension folder), TESTS_PATH. Prints "N passed, N failed".
const wb = require('./workbench.js');

const { CS_URL, WS_DIR, EXT_DIR, TESTS_PATH } = process.env;
const TIMEOUT_MS = Number(process.env.EXTHOST_TIMEOUT_MS || 120000);

(async () => {
  const host = new URL(CS_URL).host;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${host}${EXT_DIR}`],
    ['extensionTestsPath', `vscode-remote://${host}${TESTS_PATH}`],
  ];
  const browser = await wb.launch();
  let summary = null;
  let code;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let exited;
    const exit = new Promise((resolve) => { exited = resolve; });
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      for (const line of String((args || []).join(' ')).split('\n')) {
        if (!line.startsWith('EXTHOST')) continue;
        console.log(line.replace(/^EXTHOST /, ''));
        const m = /^EXTHOST SUMMARY (\{.*\})/.exec(line);
        if (m) summary = JSON.parse(m[1]);
      }
    });
    await page.exposeFunction('codeAutomationExit', (c) => exited(c));
    await wb.signIn(page, CS_URL);
    await page.goto(wb.workbenchUrl(CS_URL, WS_DIR, `&payload=${encodeURIComponent(JSON.stringify(payload))}`));
    let timer;
    code = await Promise.race([exit, new Promise((r) => { timer = setTimeout(() => r('timeout'), TIMEOUT_MS); })]);
    clearTimeout(timer);
    if (code !== 0) await wb.shot(page, 'exthost-end');
  } finally {
    await browser.close();
  }
  if (code === 'timeout') console.log(`FAIL extension-host suite did not finish within ${TIMEOUT_MS / 1000} s`);
  console.log(`extension-host suite exit code: ${code}`);
  // The suite's own counts; if it never reported, count the run as one failure.
  const passed = summary ? summary.passed : 0;
  const failed = summary ? summary.failed + (code !== 0 && !summary.failed ? 1 : 0) : 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); console.log('0 passed, 1 failed'); process.exit(1); });
