import { z } from 'zod';
import { ProjectDocSchema, DEFAULT_TRAINING, PROJECT_VERSION } from '../shared/graph/document';
import { LAYER_SPECS } from '../shared/layers/registry';
import type { ParamSpec } from '../shared/layers/types';

/**
 * Generated parts of docs/project-format.md and docs/project-format.schema.json,
 * derived from the zod schemas and the layer specs so the docs cannot drift.
 * `UPDATE_DOCS=1 npx vitest run scripts/project-format-docs.test.ts` rewrites them.
 */
export function projectJsonSchema(): string {
  const schema = z.toJSONSchema(ProjectDocSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return `${JSON.stringify({ ...schema, title: `Netwright project (.nwproj), version ${PROJECT_VERSION}` }, null, 2)}\n`;
}

function paramDefault(p: ParamSpec): string {
  const v = p.default as unknown;
  return Array.isArray(v) ? `[${v.map((d) => (d === null ? 'null' : String(d))).join(', ')}]` : JSON.stringify(v);
}

function paramKind(p: ParamSpec): string {
  switch (p.kind) {
    case 'enum':
      return p.options.map((o) => `\`${o}\``).join(' \\| ');
    case 'int':
    case 'float': {
      const range = [p.min !== undefined ? `≥ ${p.min}` : '', p.max !== undefined ? `≤ ${p.max}` : ''].filter(Boolean).join(', ');
      return range ? `${p.kind} (${range})` : p.kind;
    }
    case 'bool':
      return 'boolean';
    case 'shape':
      return 'list of sizes';
    default:
      return (p as { kind: string }).kind;
  }
}

/** One section per layer type: ports and params with their defaults and help lines. */
export function layerReference(): string {
  const out: string[] = [];
  for (const spec of LAYER_SPECS) {
    out.push(`### ${spec.type}`, '', `${spec.description} *(${spec.category})*`, '');
    const ports = spec.variadicInputs ? 'in1 … inN (the `inputs` param says how many)' : spec.inputs.map((p) => `\`${p.name}\``).join(', ') || 'none (a source)';
    out.push(`Input ports: ${ports}.`, '');
    if (spec.params.length > 0) {
      out.push('| param | type | default | meaning |', '|---|---|---|---|');
      for (const p of spec.params) out.push(`| \`${p.name}\` | ${paramKind(p)} | \`${paramDefault(p)}\` | ${p.help.replace(/\|/g, '\\|')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}

export function defaultTraining(): string {
  return `\`\`\`json\n${JSON.stringify(DEFAULT_TRAINING, null, 2)}\n\`\`\``;
}

export const BEGIN = (name: string) => `<!-- generated:${name} (scripts/project-format-docs.ts) -->`;
export const END = (name: string) => `<!-- /generated:${name} -->`;

/** Replaces each generated block of `doc` with fresh content. */
export function fillGenerated(doc: string): string {
  const parts: Record<string, string> = { layers: layerReference(), training: defaultTraining() };
  let out = doc;
  for (const [name, content] of Object.entries(parts)) {
    const start = out.indexOf(BEGIN(name));
    const end = out.indexOf(END(name));
    if (start < 0 || end < start) throw new Error(`docs/project-format.md lacks the generated block "${name}"`);
    out = `${out.slice(0, start + BEGIN(name).length)}\n${content}\n${out.slice(end)}`;
  }
  return out;
}
