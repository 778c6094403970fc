// Bundles the client, the language server and the CLI with esbuild; with --tests, also
// bundles every test/**/*.test.ts into test/out/ so `node --test` runs them without a loader.
// The CLI's line scanner is AssemblyScript (server/src/analysis/wasm/scanner.ts): it is compiled
// to WebAssembly first, and esbuild embeds the .wasm in the bundles that import it.
import { build } from 'esbuild';
import asc from 'assemblyscript/asc';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const compiled = await asc.main([
  'server/src/analysis/wasm/scanner.ts', '-o', 'server/src/analysis/wasm/scanner.wasm',
  // -O3 with no assertions and the stub runtime: the scanner allocates nothing and checks its own bounds.
  '-O3', '--noAssert', '--runtime', 'stub', '--initialMemory', '1', '--enable', 'simd', ...(process.env.SCANNER_DEBUG ? ['--debug'] : []),
], { stdout: process.stdout, stderr: process.stderr });
if (compiled.error) {
  console.error(`AssemblyScript: ${compiled.error.message}`);
  process.exit(1);
}

const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
  loader: { '.wasm': 'binary' },
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'server/out/server.js' }),
  // The CLI is two bundles: cli.js (`check`, parsed on every start) requires cli-commands.js
  // (conversations, follow, diagram) only when one of those is run (server/src/cli.ts SUBCOMMANDS).
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'server/out/cli.js', banner: { js: '#!/usr/bin/env node' }, external: ['./cli-commands.js'] }),
  build({ ...common, entryPoints: ['server/src/cli/commands.ts'], outfile: 'server/out/cli-commands.js' }),
  // The sequence diagram's page runs in the webview, a browser: no Node, one script file.
  build({ ...common, entryPoints: ['client/webview/diagram.ts'], outfile: 'client/out/webview/diagram.js', platform: 'browser', format: 'iife', target: 'es2022' }),
]);

if (process.argv.includes('--tests')) {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'out' || name === 'fixtures' || name === 'e2e') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.test.ts')) found.push(path);
    }
  };
  walk('test');
  rmSync('test/out', { recursive: true, force: true });
  // Each test file becomes test/out/<same relative path>.js; tests locate fixtures
  // through the repository root, not through __dirname, so the depth does not matter.
  await Promise.all(found.map((entry) => build({
    ...common,
    entryPoints: [entry],
    outfile: join('test/out', relative('test', entry)).replace(/\.ts$/, '.js'),
    external: ['vscode'],
  })));
}
