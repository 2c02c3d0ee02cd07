import { describe, expect, it } from 'vitest';
import { basename, dirname, joinPath, withProjectExt } from './paths';

describe('paths', () => {
  it('joins with the separator the folder uses', () => {
    expect(joinPath('/home/u', 'a.nwproj')).toBe('/home/u/a.nwproj');
    expect(joinPath('/', 'a')).toBe('/a');
    expect(joinPath('C:\\Users\\u', 'a')).toBe('C:\\Users\\u\\a');
  });
  it('splits names and folders', () => {
    expect(basename('/home/u/a.nwproj')).toBe('a.nwproj');
    expect(dirname('/home/u/a.nwproj')).toBe('/home/u');
    expect(dirname('/a')).toBe('/');
    expect(basename('C:\\x\\y.nwproj')).toBe('y.nwproj');
  });
  it('adds the project extension when there is none', () => {
    expect(withProjectExt('/tmp/mlp')).toBe('/tmp/mlp.nwproj');
    expect(withProjectExt('/tmp/mlp.json')).toBe('/tmp/mlp.json');
  });
});
