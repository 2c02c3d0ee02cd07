import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fillGenerated, projectJsonSchema } from './project-format-docs';
import { parseProject } from '../shared/graph/migrations';

const root = path.resolve(__dirname, '..');
const docPath = path.join(root, 'docs/project-format.md');
const schemaPath = path.join(root, 'docs/project-format.schema.json');

describe('docs/project-format.md', () => {
  it('its generated parts and the JSON Schema match the code (UPDATE_DOCS=1 rewrites them)', () => {
    const doc = readFileSync(docPath, 'utf8');
    const fresh = fillGenerated(doc);
    const schema = projectJsonSchema();
    if (process.env['UPDATE_DOCS']) {
      writeFileSync(docPath, fresh);
      writeFileSync(schemaPath, schema);
    }
    expect(readFileSync(docPath, 'utf8')).toBe(fresh);
    expect(readFileSync(schemaPath, 'utf8')).toBe(schema);
  });

  it('the hand-written example in the doc is a valid project', () => {
    const doc = readFileSync(docPath, 'utf8');
    const example = /<!-- example -->\s*```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeTruthy();
    const project = parseProject(example as string);
    expect(project.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Flatten', 'Dense', 'Dense']);
  });
});
