#!/usr/bin/env node
// Packs Netwright with electron-builder offline and checks what it packed.
//
//   node scripts/check-package.mjs [--no-build] [--no-run] [--keep]
//
// 1. Builds dist/ (unless --no-build).
// 2. Runs `electron-builder --linux dir` with `electronDist` pointing at a STAND-IN
//    Electron folder made here: a shell script named `electron` and empty license
//    files, nothing of Electron itself. electron-builder only copies that folder
//    and renames the binary; everything it packs of ours (app.asar,
//    app.asar.unpacked, the file filters, asarUnpack) is real. The result is NOT
//    a runnable desktop app; making one needs the real Electron (npm run dist).
// 3. Reads the produced app.asar with @electron/asar and checks it against
//    scripts/package-manifest.json: the bundles, UI and data sets inside the
//    archive, the native/WebAssembly/data files in app.asar.unpacked.
// 4. Unless --no-run: extracts the archive (with its unpacked files) into
//    resources/app of a temporary install folder (Electron also loads an app
//    from resources/app) and runs the packed command line with plain Node from
//    there: `doctor` (backend + kernel self-check), a tiny MNIST training, a
//    tiny training on a built-in CSV set and an ONNX export checked by
//    onnxruntime-node. Nothing resolves from the source checkout: the install
//    folder has no node_modules above it, and NODE_PATH is cleared.
//
// Prints one line per check and exits non-zero on the first failure.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar');
const manifest = JSON.parse(readFileSync(path.join(root, 'scripts/package-manifest.json'), 'utf8'));
const args = new Set(process.argv.slice(2));

const work = mkdtempSync(path.join(os.tmpdir(), 'netwright-package-'));
let failures = 0;
const started = Date.now();

function ok(what) {
  console.log(`ok    ${what}`);
}
function fail(what) {
  failures++;
  console.log(`FAIL  ${what}`);
}
function check(cond, what) {
  (cond ? ok : fail)(what);
  return cond;
}
function run(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}
function finish() {
  if (!args.has('--keep')) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
  console.log(`${failures === 0 ? 'package check passed' : `package check FAILED (${failures})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(failures === 0 ? 0 : 1);
}

// 1. Build.
if (!args.has('--no-build')) {
  const b = run(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, env: { ...process.env, NETWRIGHT_QUIET_BUILD: '1' } });
  if (!check(b.code === 0, 'build dist/')) {
    console.log(b.stderr.slice(-3000));
    finish();
  }
}

// 2. Pack with a stand-in Electron (see above: only the packing is real).
const standIn = path.join(work, 'stand-in-electron');
mkdirSync(path.join(standIn, 'locales'), { recursive: true });
writeFileSync(path.join(standIn, 'electron'), '#!/bin/sh\necho "stand-in for Electron made by scripts/check-package.mjs; not runnable" >&2\nexit 1\n');
chmodSync(path.join(standIn, 'electron'), 0o755);
writeFileSync(path.join(standIn, 'LICENSE'), 'stand-in\n');
writeFileSync(path.join(standIn, 'LICENSES.chromium.html'), 'stand-in\n');
writeFileSync(path.join(standIn, 'version'), JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version);
const outDir = path.join(work, 'out');
const pack = run(
  process.execPath,
  [
    path.join(root, 'node_modules/electron-builder/cli.js'),
    '--config', 'electron-builder.yml',
    '--linux', 'dir',
    `-c.electronDist=${standIn}`,
    // No native rebuild (needs Electron's headers from the network); every add-on we ship is N-API.
    '-c.npmRebuild=false',
    `-c.directories.output=${outDir}`,
  ],
  { cwd: root, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
);
const resources = path.join(outDir, 'linux-unpacked', 'resources');
const archive = path.join(resources, 'app.asar');
if (!check(pack.code === 0 && existsSync(archive), 'electron-builder --linux dir (stand-in electronDist) produced app.asar')) {
  console.log((pack.stdout + pack.stderr).slice(-4000));
  finish();
}
console.log(`      app.asar ${(statSync(archive).size / 1e6).toFixed(0)} MB`);

// 3. What is in the archive, and what is beside it.
const listed = new Set(asar.listPackage(archive, { isPack: false }).map((p) => p.replace(/\\/g, '/').replace(/^\//, '')));
/** Stat inside the archive, or null. `unpacked` means the bytes are in app.asar.unpacked. */
function entry(rel) {
  if (!listed.has(rel)) return null;
  return asar.statFile(archive, rel, false);
}
for (const p of manifest.packed) {
  const e = entry(p.path);
  check(e !== null && !e.unpacked && 'size' in e, `inside app.asar: ${p.path} (${p.why})`);
}
const rendererAssets = [...listed].filter((p) => p.startsWith('dist/renderer/assets/') && p.endsWith('.js'));
check(rendererAssets.length > 0, `inside app.asar: the UI's scripts (${rendererAssets.length} in dist/renderer/assets)`);
check(![...listed].some((p) => p.startsWith('dist/') && p.endsWith('.map')), 'no source maps packed');
check(![...listed].some((p) => /^(main|shared|renderer|e2e)\//.test(p)), 'no TypeScript sources packed');
const installed = (pkg) => existsSync(path.join(root, 'node_modules', pkg, 'package.json'));
for (const u of manifest.unpacked) {
  if (u.optional && !installed(u.package)) {
    check(![...listed].some((p) => p.startsWith(`node_modules/${u.package}/`)), `${u.package}: optional, not installed here, not packed (skipped)`);
    continue;
  }
  for (const file of u.files) {
    const e = entry(file);
    const beside = path.join(resources, 'app.asar.unpacked', file);
    check(e !== null && e.unpacked === true && existsSync(beside), `in app.asar.unpacked: ${file} (${u.why})`);
  }
}

// 4. Run the packed bundle with plain Node from an install-like folder.
if (!args.has('--no-run')) {
  const install = path.join(work, 'install', 'Netwright');
  const app = path.join(install, 'resources', 'app');
  asar.extractAll(archive, app); // also copies the files from app.asar.unpacked
  check(!existsSync(path.join(work, 'node_modules')) && !existsSync(path.join(os.tmpdir(), 'node_modules')), 'no node_modules above the install folder');
  const home = path.join(work, 'home');
  mkdirSync(home);
  const env = { ...process.env, NETWRIGHT_HOME: home, NODE_PATH: '', HOME: home };
  const cli = path.join(app, 'dist/main/cli.cjs');
  const nw = (...argv) => run(process.execPath, [cli, ...argv], { cwd: install, env });
  const json = (r) => {
    const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('{'));
    return lines.map((l) => JSON.parse(l));
  };

  const doctor = nw('doctor', '--json');
  const report = doctor.code === 0 ? json(doctor).at(-1) : null;
  check(report?.backend === 'wasm' || report?.backend === 'tensorflow', `packed doctor: backend ${report?.backend ?? doctor.stderr.trim().split('\n').at(-1)}`);
  // The kernel self-check runs from the package, and every layer type trains correctly there.
  const sc = report?.selfCheck;
  check(
    sc && typeof sc.cases === 'number' && sc.cases > 0 && Array.isArray(sc.failing) && sc.failing.length === 0,
    `packed doctor: kernel self-check ran ${sc?.cases ?? 0} cases, failing ${JSON.stringify(sc?.failing ?? null)}`,
  );

  const projects = path.join(work, 'projects');
  mkdirSync(projects);
  for (const [file, limits] of [
    ['resources/examples/mnist-mlp.nwproj', ['--limit', '256', '--test-limit', '64']],
    ['resources/templates/diabetes-regression.nwproj', []],
  ]) {
    const copy = path.join(projects, path.basename(file));
    writeFileSync(copy, readFileSync(path.join(root, file)));
    const t = nw('train', copy, '--epochs', '1', ...limits, '--json');
    const events = json(t);
    const done = events.find((e) => e.event === 'done');
    if (!check(t.code === 0 && done !== undefined, `packed trainer process trained ${path.basename(file)} for one epoch (${done ? JSON.stringify(done.test ?? {}).slice(0, 120) : 'no done event'})`)) {
      console.log((t.stdout + t.stderr).slice(-3000));
    }
  }

  const exportDir = path.join(work, 'export-onnx');
  const ex = nw('export', path.join(projects, 'mnist-mlp.nwproj'), '--format', 'onnx', '--out', exportDir, '--json');
  const exported = json(ex).at(-1);
  const checks = exported?.checks ?? [];
  if (!check(ex.code === 0 && exported?.ok === true && checks.some((c) => /onnxruntime/i.test(`${c.name} ${c.detail ?? ''}`) && c.status === 'passed'), 'packed ONNX export checked by onnxruntime-node (native add-on from app.asar.unpacked)')) {
    console.log((ex.stdout + ex.stderr).slice(-3000));
  }
}

finish();
