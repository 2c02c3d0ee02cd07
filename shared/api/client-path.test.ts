import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CALLS, EVENTS } from './contract';
import { ClientPathSchema, OptionalClientPathSchema } from './client-path';

/**
 * "A path the client gave" is one type (issue 14, item 3): the browser mode's folder limit is
 * applied by ClientPathSchema wherever zod meets one, at any depth. This walks every call's params
 * (and every event the UI sends back as a call's params would be: menu commands) and finds each
 * string field named like a path; each must be ClientPathSchema or OptionalClientPathSchema, so a
 * new field typed as a plain string fails here instead of skipping the folder limit.
 */

/** Fields named like a file or folder path: path, outPath, projectPath, outDir, parent, paths... */
const PATH_NAME = /(^|[a-z])(path|paths|dir|dirs|folder|file|files|parent)$/i;

/**
 * Fields named like a path that are not client paths, and why. The native dialogs exist only in
 * the desktop app (the browser mode answers UNSUPPORTED), where no folder limit applies.
 */
const NOT_CLIENT_PATHS: Record<string, string> = {
  'dialog.open.defaultPath': 'desktop only: where a native dialog opens',
  'dialog.save.defaultPath': 'desktop only: where a native dialog opens',
  'dialog.folder.defaultPath': 'desktop only: where a native dialog opens',
};

interface Leaf {
  readonly where: string;
  readonly client: boolean;
}

/** Every string leaf under a path-like key (`named`), with whether it is a client path. */
function pathLeaves(schema: z.ZodType, where: string, named: boolean, out: Leaf[], seen = new Set<unknown>()): Leaf[] {
  if (schema === ClientPathSchema || schema === OptionalClientPathSchema) {
    out.push({ where, client: true });
    return out;
  }
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const walk = (s: unknown, w: string, n: boolean) => pathLeaves(s as z.ZodType, w, n, out, seen);
  switch (def.type) {
    case 'object':
      for (const [key, value] of Object.entries(def['shape'] as Record<string, z.ZodType>)) walk(value, `${where}.${key}`, PATH_NAME.test(key));
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      walk(def['innerType'], where, named);
      break;
    case 'array':
      walk(def['element'], where, named);
      break;
    case 'union':
      for (const option of def['options'] as z.ZodType[]) walk(option, where, named);
      break;
    case 'intersection':
      walk(def['left'], where, named);
      walk(def['right'], where, named);
      break;
    case 'tuple':
      for (const item of def['items'] as z.ZodType[]) walk(item, where, named);
      break;
    case 'record':
      walk(def['valueType'], where, named);
      break;
    case 'pipe':
      walk(def['in'], where, named);
      break;
    case 'lazy':
      walk((def['getter'] as () => z.ZodType)(), where, named);
      break;
    case 'string':
      if (named) out.push({ where, client: false });
      break;
    default:
      break;
  }
  return out;
}

describe('ClientPathSchema covers every path a client sends', () => {
  const leaves = [
    ...Object.entries(CALLS).flatMap(([name, call]) => pathLeaves(call.params as z.ZodType, name, false, [])),
    ...pathLeaves(EVENTS['menu.command'] as z.ZodType, 'menu.command', false, []),
  ];

  it('finds the known client paths, nested ones included (so the walk itself works)', () => {
    const client = leaves.filter((l) => l.client).map((l) => l.where);
    expect(client).toEqual(
      expect.arrayContaining([
        'project.open.path',
        'project.import.outPath',
        'datasets.inspect.settings.data.path',
        'training.start.doc.training.data.path',
        'export.model.outDir',
        'export.model.doc.training.data.path',
        'runs.delete.projectPath',
        'app.recentFiles.paths',
        'files.mkdir.parent',
        'menu.command.path',
      ]),
    );
  });

  it('every string field named like a path is a ClientPathSchema (or listed here with why not)', () => {
    const plain = leaves.filter((l) => !l.client && !(l.where in NOT_CLIENT_PATHS)).map((l) => l.where);
    expect(plain).toEqual([]);
    // The exceptions still exist (a stale entry would hide nothing, but would mislead).
    const exceptions = leaves.filter((l) => !l.client).map((l) => l.where);
    for (const where of Object.keys(NOT_CLIENT_PATHS)) expect(exceptions).toContain(where);
  });
});
