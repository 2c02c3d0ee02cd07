#!/usr/bin/env node
// `npm test`: build, typecheck, lint, unit tests (Vitest) and end-to-end tests
// (Playwright in Debian's Chromium through the browser mode). Ends with one
// plain line `N passed, N failed, N skipped` that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'netwright-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
/** One line per failed test (file, title, first line of its error), printed again at the end. */
const failedDetails = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function check(label, cmd, args) {
  const ok = run(label, cmd, args);
  if (ok) totals.passed++;
  else {
    totals.failed++;
    failures.push(label);
  }
  return ok;
}

if (!check('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')])) {
  finish();
}
check('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
check('lint', bin('eslint'), ['.']);

// Unit tests.
const vitestJson = path.join(tmp, 'vitest.json');
run('unit tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (r.numFailedTests > 0 || r.numFailedTestSuites > 0) failures.push('unit tests');
  failedDetails.push(...failedVitest(r));
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) totals.failed += r.numFailedTestSuites;
} else {
  totals.failed++;
  failures.push('unit tests (no report)');
}

// End-to-end tests.
const chromium = process.env.NETWRIGHT_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.log(`\n=== e2e: Chromium not found at ${chromium} (install it: apt-get install -y chromium); counted as failed`);
  totals.failed++;
  failures.push('e2e (no Chromium)');
} else {
  const pwJson = path.join(tmp, 'playwright.json');
  run('end-to-end tests (playwright)', bin('playwright'), ['test'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
    NETWRIGHT_PW_JSON: '1',
  });
  if (existsSync(pwJson)) {
    const report = JSON.parse(readFileSync(pwJson, 'utf8'));
    for (const line of skippedTests(report)) console.log(`skipped: ${line}`);
    const s = report.stats;
    totals.passed += s.expected + (s.flaky ?? 0);
    totals.failed += s.unexpected;
    totals.skipped += s.skipped;
    if (s.unexpected > 0) failures.push('e2e tests');
    failedDetails.push(...failedPlaywright(report));
  } else {
    totals.failed++;
    failures.push('e2e (no report)');
  }
}

// The installer's contents: electron-builder packs offline (stand-in electronDist) and the
// packed bundle trains from an install-like folder (scripts/check-package.mjs, about 2 minutes).
check('package check (electron-builder, app.asar)', process.execPath, [path.join(root, 'scripts', 'check-package.mjs'), '--no-build']);
finish();

/** Titles and reasons of skipped Playwright tests, so a skip is never silent. */
function skippedTests(report) {
  const out = [];
  const walk = (suite, prefix) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'skipped') continue;
        const reason = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
        out.push(`${prefix}${spec.title}: ${reason}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, `${prefix}${child.title} > `);
  };
  for (const suite of report.suites ?? []) walk(suite, '');
  return out;
}

/** Failed Vitest tests and suites from its JSON report: `file > title: first line of the error`. */
function failedVitest(report) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const name = path.relative(root, file.name);
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) out.push(`${name} > ${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0])}`);
    if (file.status === 'failed' && failed.length === 0) out.push(`${name} (suite): ${firstLine(file.message)}`);
  }
  return out;
}

/** Failed Playwright tests from its JSON report: `file:line > title: first line of the error`. */
function failedPlaywright(report) {
  const out = [];
  const walk = (suite, prefix) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected') continue;
        const error = (t.results ?? []).map((r) => r.error?.message).find(Boolean);
        out.push(`${spec.file}:${spec.line} > ${prefix}${spec.title}: ${firstLine(error)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, child.title && !child.title.endsWith('.ts') ? `${prefix}${child.title} > ` : prefix);
  };
  for (const suite of report.suites ?? []) walk(suite, '');
  return out;
}

function firstLine(text) {
  // Strip ANSI colours; keep the first non-empty line, at most 300 characters.
  const plain = stripVTControlCharacters(String(text ?? 'no message'));
  const line = plain.split('\n').find((l) => l.trim()) ?? 'no message';
  return line.trim().slice(0, 300);
}

function finish() {
  if (failedDetails.length) {
    console.log('\nFailed tests:');
    for (const line of failedDetails) console.log(`  ${line}`);
  }
  if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`);
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(totals.failed > 0 ? 1 : 0);
}
