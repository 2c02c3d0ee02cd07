import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from './cli';
import { parseProject } from '../../shared/graph/migrations';

const FIXTURES = path.resolve(__dirname, '../import/fixtures');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Partial<CliIo> = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, interactive: false };
  return { code: await main(argv, io), out, err };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nw-import-'));

describe('netwright import', () => {
  it('writes a project that summary reports with Keras\'s parameter count', async () => {
    const out = path.join(tmp(), 'convnet.nwproj');
    const r = await run(['import', path.join(FIXTURES, 'keras3-sequential-mnist-convnet.json'), '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Imported 8 layers \(34,826 parameters\) from keras3-sequential-mnist-convnet\.json into .*convnet\.nwproj\n$/);
    const doc = parseProject(fs.readFileSync(out, 'utf8'));
    expect(doc.name).toBe('convnet');
    expect(doc.graph.nodes).toHaveLength(8);
    const summary = await run(['summary', out, '--json']);
    expect(JSON.parse(summary.out).totalParams).toBe(34_826);
  });

  it('refuses an unsupported layer in one line naming it, and writes nothing', async () => {
    const dir = tmp();
    const model = path.join(dir, 'model.json');
    fs.writeFileSync(
      model,
      JSON.stringify({
        format: 'layers-model',
        modelTopology: {
          class_name: 'Sequential',
          config: { name: 's', layers: [{ class_name: 'ConvLSTM2D', config: { name: 'clstm', batch_input_shape: [null, 3, 8, 8, 1], filters: 4 } }] },
        },
      }),
    );
    const out = path.join(dir, 'out.nwproj');
    const r = await run(['import', model, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('netwright: Layer "clstm" (ConvLSTM2D): Netwright has no ConvLSTM2D layer, so this model cannot be imported.\n');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('explains missing arguments and files', async () => {
    expect((await run(['import'])).err).toMatch(/^netwright: import needs a model\.json file/);
    expect((await run(['import', 'x.json'])).err).toMatch(/^netwright: import needs --out <file\.nwproj>/);
    const r = await run(['import', path.join(tmp(), 'missing.json'), '--out', path.join(tmp(), 'o.nwproj')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^netwright: cannot read .*missing\.json: ENOENT/);
  });
});
