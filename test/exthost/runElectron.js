// @ts-check
// Runs the extension-host suite (test/exthost/suite) in desktop VS Code via @vscode/test-electron.
// Needs a VS Code build: downloaded by test-electron (network), or given with
// VSCODE_EXECUTABLE_PATH=/path/to/code. Usage: npm run build && node test/exthost/runElectron.js
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

async function main() {
  const repo = path.resolve(__dirname, '../..');
  // A throw-away workspace holding the fixture, and throw-away profile folders.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scap-lens-exthost-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace);
  fs.copyFileSync(path.join(repo, 'test/fixtures/seed-epipe.scap.txt'), path.join(workspace, 'seed-epipe.scap.txt'));
  try {
    await runTests({
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      version: process.env.VSCODE_VERSION || undefined,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome',
        '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions')],
    });
    console.log('extension-host tests passed');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  const msg = err instanceof Error ? err.message : String(err);
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|download/i.test(msg)) {
    console.error(`Could not download VS Code for the extension-host tests (${msg}).`);
    console.error('Run where update.code.visualstudio.com is reachable, or set VSCODE_EXECUTABLE_PATH to a VS Code binary.');
    console.error('Without network the same suite runs inside code-server: npm run test:e2e');
  } else {
    console.error('extension-host tests failed:', msg);
  }
  process.exit(1);
});
