#!/usr/bin/env node
// Editor responsiveness on a generated 300-layer graph, in the browser mode under Chromium:
// frame times while dragging a layer and while zooming, and the time from typing a value in
// the inspector to the header's parameter count showing the result.
//
//   node scripts/build.mjs && node bench/editor-300.mjs [--nodes 300] [--json]
//
// Uses Debian's Chromium (NETWRIGHT_CHROMIUM overrides /usr/bin/chromium) through Playwright.
/* global window, document, requestAnimationFrame, MutationObserver */
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { residualProject } from '../e2e/support/residual-project.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const NODES = Number(arg('--nodes', '300'));
const JSON_OUT = process.argv.includes('--json');

/** Input -> blocks of Dense(64), Dense(64), Add(skip) -> Dense(10), Dropouts to make `n` layers, in rows of 15. */
const generateProject = (n) => residualProject(n, { name: `Bench ${n}`, perRow: 15, units: 64, pad: true });

function startServer(home, dir) {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'netwright.cjs'), 'serve', '--port', '0', '--root', dir], {
    cwd: root,
    env: { ...process.env, NETWRIGHT_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (d) => {
      out += d.toString();
      const m = /Netwright is serving at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return {
    frames: s.length,
    meanMs: +mean.toFixed(1),
    p50Ms: +q(0.5).toFixed(1),
    p95Ms: +q(0.95).toFixed(1),
    maxMs: +(s[s.length - 1] ?? NaN).toFixed(1),
    // A frame longer than 1.5 vsyncs (25 ms at 60 Hz) showed at least one screen refresh late.
    missedVsync: s.filter((x) => x > 25).length,
    over33ms: s.filter((x) => x > 33.4).length,
    fps: +(1000 / mean).toFixed(0),
  };
};

/** Frame-to-frame times (rAF) while `work` runs. */
async function frameTimes(page, work) {
  await page.evaluate(() => {
    const w = window;
    w.__frames = [];
    w.__recording = true;
    let last = performance.now();
    const tick = (t) => {
      if (!w.__recording) return;
      w.__frames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame((t) => {
      last = t;
      requestAnimationFrame(tick);
    });
  });
  await work();
  return page.evaluate(() => {
    window.__recording = false;
    return window.__frames;
  });
}

async function main() {
  const home = mkdtempSync(path.join(os.tmpdir(), 'netwright-bench-home-'));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'netwright-bench-')), 'bench-300.nwproj');
  writeFileSync(file, JSON.stringify(generateProject(NODES)));
  const { child, url } = await startServer(home, path.dirname(file));
  const browser = await chromium.launch({
    executablePath: process.env.NETWRIGHT_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Open' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Path', { exact: true }).fill(file);
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length >= Math.min(n, 20), NODES).catch(async (e) => {
      await page.screenshot({ path: '/tmp/bench-fail.png' });
      throw e;
    });
    await page.getByTestId('total-params').filter({ hasNotText: /^0 params/ }).waitFor();
    const openMs = Date.now() - t0;
    const rendered = await page.locator('.react-flow__node').count();
    await page.keyboard.press('f');
    await page.waitForTimeout(500);

    // Drag one layer in a circle for 120 mouse moves: one in the middle of the graph, clear of
    // the toolbar and minimap that sit over the canvas's top corners. Twice: with the whole graph
    // in view (~17%: the overview, where the canvas draws the graph and hit-tests the cards
    // itself), and at 100% with the cards themselves.
    const target = `d${Math.max(1, Math.floor((NODES - 2) / 6))}a`;
    /** The layer's title row on screen, from its flow position and the viewport (a card skipped in the overview has no box). */
    const headCentre = () =>
      page.evaluate((id) => {
        const flow = document.querySelector('.react-flow')?.getBoundingClientRect();
        const node = document.querySelector(`.react-flow__node[data-id="${id}"]`);
        const view = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([\d.e-]+)\)/.exec(document.querySelector('.react-flow__viewport')?.style.transform ?? '');
        const at = /translate\(([-\d.e]+)px, ?([-\d.e]+)px\)/.exec(node?.style.transform ?? '');
        if (!flow || !view || !at) return null;
        const [tx, ty, zoom] = view.slice(1).map(Number);
        return { x: flow.left + tx + (Number(at[1]) + 90) * zoom, y: flow.top + ty + (Number(at[2]) + 19) * zoom, zoom };
      }, target);
    const dragCircle = async (from) =>
      frameTimes(page, async () => {
        await page.mouse.move(from.x, from.y);
        await page.mouse.down();
        for (let i = 0; i <= 120; i++) {
          const a = (i / 120) * Math.PI * 2;
          await page.mouse.move(from.x + Math.sin(a) * 120, from.y + (1 - Math.cos(a)) * 60);
        }
        await page.mouse.up();
      });
    const fitHead = await headCentre();
    if (!fitHead) throw new Error('no card to drag');
    const overview = await page.evaluate(() => document.querySelector('.canvas')?.classList.contains('is-overview') ?? false);
    const drag = await dragCircle(fitHead);
    // Wheel in on the card (zooming keeps the point under the pointer) to 100%.
    await page.waitForTimeout(300);
    for (let i = 0; i < 60; i++) {
      const at = await headCentre();
      if (!at || at.zoom >= 0.99) break;
      await page.mouse.move(at.x, at.y);
      await page.mouse.wheel(0, -40);
      await page.waitForTimeout(16);
    }
    await page.waitForTimeout(800);
    const card = page.locator(`.react-flow__node[data-id="${target}"] .layer-node__head`);
    const box = await card.boundingBox();
    if (!box) throw new Error('no card to drag at 100%');
    const dragAt100 = await dragCircle({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
    await page.keyboard.press('f');
    await page.waitForTimeout(500);

    // Zoom in and out with the wheel over the canvas, in small steps (about 6% each, as a
    // touchpad sends them) so that every step changes the zoom: from the whole graph in view
    // (~20%) in to ~180%, out to the 10% floor, and back in to ~30%, crossing the 50% detail
    // threshold twice. The three gestures are 400 ms apart, and those pauses are measured too:
    // the canvas switches its small print on or off once a zoom rests.
    const pane = await page.locator('.react-flow__pane').boundingBox();
    if (!pane) throw new Error('no pane');
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    const zoomLevel = () => page.evaluate(() => Number(/scale\(([\d.e-]+)\)/.exec(document.querySelector('.react-flow__viewport')?.style.transform ?? '')?.[1] ?? NaN));
    const zoomFrom = await zoomLevel();
    let zoomSteps = 0;
    const zoom = await frameTimes(page, async () => {
      for (const [count, dy] of [[40, -40], [55, 40], [20, -40]]) {
        for (let i = 0; i < count; i++) {
          await page.mouse.wheel(0, dy);
          zoomSteps++;
          await page.waitForTimeout(16);
        }
        await page.waitForTimeout(400);
      }
    });
    const zoomTo = await zoomLevel();

    // Edit -> updated counts: type a new unit count; time from the key to the header's new total.
    await page.keyboard.press('f');
    await page.waitForTimeout(300);
    const head = await headCentre();
    if (head) await page.mouse.click(head.x, head.y);
    const units = page.getByLabel('Units', { exact: true });
    await units.click();
    const edits = [];
    for (const v of ['65', '66', '67', '68', '69', '70', '71', '72', '73', '74']) {
      await units.fill(v.slice(0, 1));
      await page.waitForTimeout(100);
      await page.evaluate(() => {
        const w = window;
        const el = document.querySelector('[data-testid="total-params"]');
        w.__editStart = 0;
        w.__editDone = 0;
        const before = el?.textContent;
        const input = document.activeElement;
        input?.addEventListener('keydown', () => (w.__editStart = performance.now()), { once: true, capture: true });
        const obs = new MutationObserver(() => {
          if (el?.textContent !== before) {
            w.__editDone = performance.now();
            obs.disconnect();
          }
        });
        if (el) obs.observe(el, { characterData: true, childList: true, subtree: true });
      });
      await page.keyboard.type(v.slice(1));
      await page.waitForFunction(() => window.__editDone > 0, null, { timeout: 10_000 });
      // Let the frame with the new count paint.
      edits.push(await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now() - window.__editStart)))));
    }

    const result = {
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', chromium: browser.version() },
      nodes: NODES,
      renderedNodes: rendered,
      openMs,
      overviewAtFit: overview,
      drag: { ...stats(drag), zoom: +fitHead.zoom.toFixed(3) },
      dragAt100: stats(dragAt100),
      zoom: { ...stats(zoom), steps: zoomSteps, from: +zoomFrom.toFixed(3), to: +zoomTo.toFixed(3) },
      editToCountsMs: stats(edits),
    };
    if (JSON_OUT) console.log(JSON.stringify(result));
    else {
      console.log(`Editor bench: ${NODES} layers (${rendered} rendered), Chromium ${result.machine.chromium}, ${result.machine.cpus} CPUs (${result.machine.model})`);
      console.log(`  open + first analysis: ${openMs} ms`);
      console.log(`  wheel zoom: ${zoomSteps} steps of ~6%, zoom ${result.zoom.from} -> ~1.8 -> 0.1 -> ${result.zoom.to}`);
      console.log(`  whole graph in view at zoom ${result.drag.zoom}: ${overview ? 'the overview (drawn on a canvas)' : 'cards'}`);
      for (const [name, s] of [['drag a layer, whole graph in view', result.drag], ['drag a layer at 100%', result.dragAt100], ['wheel zoom', result.zoom]]) {
        console.log(`  ${name}: ${s.frames} frames, mean ${s.meanMs} ms (${s.fps} fps), p50 ${s.p50Ms}, p95 ${s.p95Ms}, max ${s.maxMs} ms, ${s.missedVsync} frames late by a refresh or more (> 25 ms), ${s.over33ms} by two or more (> 33.4 ms)`);
      }
      const e = result.editToCountsMs;
      console.log(`  key -> new parameter count painted: mean ${e.meanMs} ms, p50 ${e.p50Ms}, p95 ${e.p95Ms}, max ${e.maxMs} ms (${e.frames} edits)`);
    }
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
