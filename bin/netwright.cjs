#!/usr/bin/env node
// The `netwright` command. Builds dist/ on first use (a fresh clone has none), then runs the CLI.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'main', 'cli.cjs');
if (!fs.existsSync(cli) || !fs.existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NETWRIGHT_QUIET_BUILD: '1' },
  });
  if (r.status !== 0) {
    console.error('netwright: building the app failed (see above).');
    process.exit(1);
  }
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(`netwright: ${err && err.message ? err.message : String(err)}`);
    process.exitCode = 1;
  });
