import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProject, ProjectFileError, serializeProject } from './migrations';
import { analyzeGraph } from './analyze';
import mnistText from '../../resources/examples/mnist-mlp.nwproj?raw';

/**
 * A project file is data from strangers: whatever its bytes, loading ends in a
 * valid document or a ProjectFileError, quickly, and a loaded document can be
 * analysed without throwing.
 */
function loadOutcome(text: string): 'ok' | 'refused' {
  try {
    const doc = parseProject(text);
    analyzeGraph(doc.graph);
    return 'ok';
  } catch (e) {
    if (e instanceof ProjectFileError) return 'refused';
    throw e;
  }
}

const base = JSON.parse(mnistText) as Record<string, unknown>;

/** Replaces the value at a random path inside `doc` with `value`. */
function mutate(doc: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || typeof doc !== 'object' || doc === null) return value;
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const key = keys[(path[0] as number) % keys.length] as string;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(doc) ? [...doc] : { ...(doc as Record<string, unknown>) };
  (copy as Record<string, unknown>)[key] = mutate((doc as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

describe('project files from strangers', () => {
  it('any JSON value is either a project or a readable refusal', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(['ok', 'refused']).toContain(loadOutcome(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('a valid project with any field replaced by anything loads or is refused, never crashes', () => {
    const anything = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER, -1, 0, 1e9, '', '__proto__', [1e9, 1e9, 1e9], null),
    );
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), anything, (path, value) => {
        expect(['ok', 'refused']).toContain(loadOutcome(JSON.stringify(mutate(base, path, value))));
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary text is refused with a ProjectFileError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(['ok', 'refused']).toContain(loadOutcome(text));
      }),
      { numRuns: 300 },
    );
  });

  it('enormous shapes are refused or analysed without allocating them', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2 ** 31 }), { minLength: 1, maxLength: 8 }), (shape) => {
        const doc = JSON.parse(mnistText) as { graph: { nodes: { params: Record<string, unknown> }[] } };
        (doc.graph.nodes[0] as { params: Record<string, unknown> }).params['shape'] = shape;
        const started = Date.now();
        expect(['ok', 'refused']).toContain(loadOutcome(JSON.stringify(doc)));
        expect(Date.now() - started).toBeLessThan(1000);
      }),
      { numRuns: 200 },
    );
  });

  it('what loads saves back to an equal document', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        const text = JSON.stringify(mutate(base, path, value));
        let doc;
        try {
          doc = parseProject(text);
        } catch {
          return;
        }
        expect(parseProject(serializeProject(doc))).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });
});
