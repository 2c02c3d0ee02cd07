import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { patchBinding } from './binding-patch';
import { nativeDir, readManifest, tfjsNodeDir } from './native-addon';

/**
 * The set-up's additions to tfjs-node's binding sources. With a native set-up here (CI builds one)
 * the edits are checked against the real tfjs-node 4.22 sources it downloaded; that they compile
 * and work is what native-dense-step.test.ts shows through the built add-on.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-patch-'));
afterEach(() => fs.rmSync(path.join(tmp, 'pkg'), { recursive: true, force: true }));

/** tfjs-node's binding/ sources of the native set-up, or null where there is none. */
function realSources(): string | null {
  try {
    const dir = nativeDir();
    const pkg = tfjsNodeDir(dir, readManifest(dir).build);
    return fs.existsSync(path.join(pkg, 'binding', 'tfjs_binding.cc')) ? path.join(pkg, 'binding') : null;
  } catch {
    return null;
  }
}

/** A copy of the sources with the patch taken out again (the built one is patched). */
function unpatchedCopy(binding: string): string {
  const pkg = path.join(tmp, 'pkg');
  fs.mkdirSync(path.join(pkg, 'binding'), { recursive: true });
  for (const name of ['tfjs_backend.h', 'tfjs_backend.cc', 'tfjs_binding.cc']) {
    let text = fs.readFileSync(path.join(binding, name), 'utf8');
    text = text.replace(/\n {2}\/\/ Netwright: registers[^\n]*\n {2}void AddFunctionDef[^\n]*\n/, '');
    text = text.replace(/\nnamespace tfnodejs \{\n\nvoid TFJSBackend::AddFunctionDef[\s\S]*?\n\} {2}\/\/ namespace tfnodejs\n/, '');
    text = text.replace(/\nstatic napi_value AddFunctionDef[\s\S]*?\n\}\n/, '');
    text = text.replace(/ {6}\{"addFunctionDef"[^\n]*\n[^\n]*\n/, '');
    fs.writeFileSync(path.join(pkg, 'binding', name), text);
  }
  return pkg;
}

describe('patchBinding', () => {
  it('adds addFunctionDef to the binding, once, and refuses sources it does not know', (ctx) => {
    const binding = realSources();
    if (!binding) ctx.skip();
    const pkg = unpatchedCopy(binding as string);
    expect(fs.readFileSync(path.join(pkg, 'binding', 'tfjs_binding.cc'), 'utf8')).not.toContain('AddFunctionDef');
    patchBinding(pkg);
    const cc = fs.readFileSync(path.join(pkg, 'binding', 'tfjs_binding.cc'), 'utf8');
    expect(cc).toContain('{"addFunctionDef", nullptr, AddFunctionDef,');
    expect(fs.readFileSync(path.join(pkg, 'binding', 'tfjs_backend.cc'), 'utf8')).toContain('TFE_ContextAddFunctionDef(tfe_context_');
    expect(fs.readFileSync(path.join(pkg, 'binding', 'tfjs_backend.h'), 'utf8')).toContain('void AddFunctionDef(napi_env env, napi_value bytes_value);');
    // The patched sources are what the set-up compiled.
    for (const name of ['tfjs_backend.h', 'tfjs_backend.cc', 'tfjs_binding.cc']) {
      expect(fs.readFileSync(path.join(pkg, 'binding', name), 'utf8'), name).toBe(fs.readFileSync(path.join(binding as string, name), 'utf8'));
    }
    expect(() => patchBinding(pkg)).toThrow(/patched already/);
    const other = unpatchedCopy(binding as string);
    fs.writeFileSync(path.join(other, 'binding', 'tfjs_backend.h'), '// another tfjs-node\n');
    expect(() => patchBinding(other)).toThrow(/tfjs_backend.h is not the one this set-up knows/);
  });
});
