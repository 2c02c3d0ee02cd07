import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { pyDocstring, pyLiteral, pyString } from './python-literal';
import { jsLiteral, jsString } from './js-literal';
import { hostileSamples } from './hostile-strings';
import { kerasSource } from './keras';
import { pytorchModule } from './pytorch';
import { trainScript } from './torchrun';
import { readme } from './readme';
import { runPython } from './python';
import { loadExportSource, type ExportSource } from './source';
import type { ModelInfo } from './model-info';
import { chain, docWithGraph } from '../trainer/test-helpers';

/**
 * Names reach generated Python and JavaScript only as escaped literals (issue 14, item 1). Each
 * check writes the generated files and reads them back in a fresh interpreter: the file parses,
 * and every name comes back as data, code unit for code unit. One Python process checks a whole
 * batch (a JSON list of files in, a JSON list of what each holds out).
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-escaping-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** For each file: does it parse, its module docstring, class docstrings, `name=` strings, INPUTS / SETTINGS, dict keys of calls. */
const READ_BACK = `
import ast, json, sys
out = []
for f in json.load(open(sys.argv[1], encoding="utf-8")):
    try:
        tree = ast.parse(open(f, encoding="utf-8").read(), f)
    except SyntaxError as e:
        out.append({"error": "%s: %s" % (type(e).__name__, e)})
        continue
    names, classes, values, keys = [], [], {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            names += [k.value.value for k in node.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)]
            keys += [k.value for a in node.args if isinstance(a, ast.Dict) for k in a.keys if isinstance(k, ast.Constant)]
        if isinstance(node, ast.ClassDef):
            classes.append(ast.get_docstring(node, clean=False))
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and node.targets[0].id in ("INPUTS", "SETTINGS", "VALUE"):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    out.append({"doc": ast.get_docstring(tree, clean=False), "classes": classes, "names": names, "values": values, "keys": keys})
print(json.dumps(out, ensure_ascii=True))
`;

interface ReadBack {
  error?: string;
  doc: string | null;
  classes: (string | null)[];
  names: string[];
  values: { INPUTS?: [string, number[], string][]; SETTINGS?: Record<string, unknown>; VALUE?: unknown };
  keys: string[];
}

async function readBack(sources: readonly string[]): Promise<ReadBack[]> {
  const dir = fs.mkdtempSync(path.join(tmp, 'batch-'));
  const files = sources.map((s, i) => {
    const f = path.join(dir, `f${i}.py`);
    fs.writeFileSync(f, s);
    return f;
  });
  const list = path.join(dir, 'files.json');
  fs.writeFileSync(list, JSON.stringify(files));
  const r = await runPython(['-c', READ_BACK, list], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as ReadBack[];
}

const names = hostileSamples(160);

describe('pyString / pyLiteral / pyDocstring', () => {
  it('every hostile string is a Python literal that evaluates to itself, and stays on one line', async () => {
    for (const s of names) expect(pyString(s)).not.toMatch(/[\n\r\u2028\u2029\0]/);
    const sources = names.map((s) => `VALUE = ${pyLiteral({ [s]: [s, 1.5, true, null, -2] })}\n`);
    const back = await readBack(sources);
    back.forEach((b, i) => {
      expect(b.error).toBeUndefined();
      const s = names[i] as string;
      expect(b.values.VALUE).toEqual({ [s]: [s, 1.5, true, null, -2] });
    });
  });

  it('a docstring of hostile lines is one docstring holding exactly those lines', async () => {
    const back = await readBack(names.map((s) => `${pyDocstring([`${s}: title`, '', s, 'end'], '    ')}\nVALUE = 1\n`));
    back.forEach((b, i) => {
      expect(b.error).toBeUndefined();
      const s = names[i] as string;
      expect(b.doc).toBe(`${s}: title\n\n${s === "" ? "" : `    ${s}`}\n    end`);
      expect(b.values.VALUE).toBe(1);
    });
  });
});

describe('jsString / jsLiteral', () => {
  it('every hostile string is a JavaScript and a JSON literal of itself (read back by a fresh node)', () => {
    const file = path.join(tmp, 'values.js');
    fs.writeFileSync(file, `module.exports = ${jsLiteral(names.map((s) => ({ [s]: s })))};\n`);
    const text = execFileSync(process.execPath, ['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(file)})))`], { encoding: 'utf8' });
    expect(JSON.parse(text)).toEqual(names.map((s) => ({ [s]: s })));
    for (const s of names) {
      expect(JSON.parse(jsString(s))).toBe(s);
      expect(jsString(s)).not.toMatch(/[\n\r\u2028\u2029\0<]/);
    }
  });
});

describe('exporters with hostile names', () => {
  let source: ExportSource;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const doc = docWithGraph(chain(['in', 'Input', { shape: [4] }], ['h', 'Dense', { units: 3, activation: 'relu' }], ['o', 'Dense', { units: 2, activation: 'softmax' }]));
    source = await loadExportSource(doc, null);
  });
  afterAll(() => source?.model.dispose());

  /** The model's info with its input and layers renamed to hostile strings (the exporters must not rely on compile's safe names). */
  function renamed(info: ModelInfo, input: string, layerNames: readonly string[]): ModelInfo {
    const map = new Map<string, string>([[info.inputs[0]?.name as string, input]]);
    info.layers.forEach((l, i) => map.set(l.name, layerNames[i] as string));
    const to = (n: string) => map.get(n) ?? n;
    return {
      ...info,
      inputs: info.inputs.map((x) => ({ ...x, name: to(x.name) })),
      layers: info.layers.map((l) => ({ ...l, name: to(l.name), inputs: l.inputs.map(to) })),
      outputs: info.outputs.map(to),
    };
  }

  const cases = names.slice(0, 60).map((title, i) => ({ title, input: names[(i + 7) % names.length] as string, layers: [names[(i + 13) % names.length] as string, `${names[(i + 29) % names.length]}x`] }));

  it('Keras model.py parses; the title comes back from the docstring and every name from name=', async () => {
    const back = await readBack(cases.map((c) => kerasSource(renamed(source.info, c.input, c.layers), c.title)));
    back.forEach((b, i) => {
      const c = cases[i] as (typeof cases)[number];
      expect(b.error).toBeUndefined();
      expect(b.doc?.startsWith(`${c.title}: a Keras 3 model exported from Netwright.\n`)).toBe(true);
      for (const n of [c.input, ...c.layers]) expect(b.names).toContain(n);
    });
  });

  it('PyTorch model.py parses; the title comes back from both docstrings and the input name from INPUTS', async () => {
    const back = await readBack(cases.map((c) => pytorchModule(renamed(source.info, c.input, c.layers), c.title).source));
    back.forEach((b, i) => {
      const c = cases[i] as (typeof cases)[number];
      expect(b.error).toBeUndefined();
      expect(b.doc?.startsWith(`${c.title}: a PyTorch model exported from Netwright.\n`)).toBe(true);
      expect(b.classes[0]?.startsWith(`${c.title}: 2 layers`)).toBe(true);
      expect(b.values.INPUTS?.[0]?.[0]).toBe(c.input);
    });
  });

  it('torchrun train.py parses; the title comes back from the docstring and hostile settings from SETTINGS', async () => {
    const back = await readBack(cases.map((c) => trainScript({ dataset: c.input, optimizer: c.layers[0], loss: 'true false null', epochs: 2 }, c.title)));
    back.forEach((b, i) => {
      const c = cases[i] as (typeof cases)[number];
      expect(b.error).toBeUndefined();
      expect(b.doc?.startsWith(`Distributed training of ${c.title} (exported from Netwright)`)).toBe(true);
      expect(b.values.SETTINGS).toMatchObject({ dataset: c.input, optimizer: c.layers[0], loss: 'true false null', epochs: 2 });
    });
  });

  it("README: the title stays one heading line and the ONNX example's Python parses with the input name as data", async () => {
    const texts = cases.map((c) => readme('onnx', c.title, renamed(source.info, c.input, c.layers), null, { kind: 'image', classNames: [c.title, c.input] }, ['model.onnx']));
    const code = texts.map((t) => /```python\n([\s\S]*?)```/.exec(t)?.[1] ?? '');
    const back = await readBack(code);
    back.forEach((b, i) => {
      const c = cases[i] as (typeof cases)[number];
      expect(b.error).toBeUndefined();
      expect(b.keys).toEqual([c.input]);
      const text = texts[i] as string;
      expect(text.split('\n')[1]).toBe('');
      expect(text.split('\n')[0]?.startsWith('# ')).toBe(true);
      expect(text.match(/^```/gm)?.length).toBe(2); // only the example's own code block
    });
  });

  it('a project named to break out of the docstring runs nothing when model.py and train.py are run', async () => {
    const marker = path.join(tmp, 'pwned');
    const payload = (q: string) => `x${q}\nopen(${JSON.stringify(marker)}, "w").write("ran")\n${q}`;
    const dir = path.join(tmp, 'run-check');
    fs.mkdirSync(dir);
    const files: string[] = [];
    for (const [i, q] of ['"""', "'''"].entries()) {
      const info = source.info;
      const write = (name: string, text: string) => {
        const f = path.join(dir, `${name}_${i}.py`);
        fs.writeFileSync(f, text);
        files.push(f);
      };
      write('keras', kerasSource(info, payload(q)));
      write('pytorch', pytorchModule(info, payload(q)).source);
      write('train', trainScript({}, payload(q)));
    }
    // Each file as Python runs it (import-time code only; a missing keras or torch is an ImportError, caught).
    const r = await runPython(['-c', 'import runpy, sys\nfor f in sys.argv[1:]:\n    try:\n        runpy.run_path(f, run_name="not_main")\n    except BaseException as e:\n        print(f, type(e).__name__)\n', ...files], { timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(/SyntaxError/);
    expect(r.stdout).not.toMatch(/SyntaxError/);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
