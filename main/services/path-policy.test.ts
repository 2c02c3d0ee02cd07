import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rootedPaths, unrestrictedPaths } from './path-policy';
import { ApiError } from '../../shared/api/contract';

function expectForbidden(fn: () => unknown, message: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('FORBIDDEN_PATH');
    expect((e as ApiError).message).toMatch(message);
    return;
  }
  throw new Error('expected FORBIDDEN_PATH');
}

describe('rootedPaths', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nw-paths-'));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'projects'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  symlinkSync(outside, path.join(root, 'link-out'));
  const policy = rootedPaths([root]);

  it('allows paths inside the root, existing or not', () => {
    expect(policy.check(path.join(root, 'projects'))).toBe(path.join(root, 'projects'));
    expect(policy.check(path.join(root, 'projects', 'new.nwproj'))).toBe(path.join(root, 'projects', 'new.nwproj'));
    expect(policy.check(root)).toBe(root);
  });

  it('refuses paths outside the root', () => {
    expectForbidden(() => policy.check(path.join(outside, 'secret.txt')), /outside the folders/);
    expectForbidden(() => policy.check('/etc/passwd'), /outside the folders/);
    expectForbidden(() => policy.check(`${root}-sibling/x`), /outside the folders/);
  });

  it('refuses .. escapes, relative paths and NUL bytes', () => {
    expectForbidden(() => policy.check(path.join(root, '..', 'outside', 'secret.txt').replace(/outside/, '../root/../outside')), /\.\./);
    expectForbidden(() => policy.check(`${root}/projects/../../outside/secret.txt`), /\.\./);
    expectForbidden(() => policy.check('projects/x.nwproj'), /full path/);
    expectForbidden(() => policy.check(`${root}/a\0b`), /NUL/);
  });

  it('refuses a symbolic link that leads outside', () => {
    expectForbidden(() => policy.check(path.join(root, 'link-out', 'secret.txt')), /outside the folders/);
    expectForbidden(() => policy.check(path.join(root, 'link-out', 'new-file')), /outside the folders/);
  });
});

describe('unrestrictedPaths', () => {
  it('normalises but allows any absolute path', () => {
    expect(unrestrictedPaths.check('/tmp/a/../b')).toBe('/tmp/b');
  });
});
