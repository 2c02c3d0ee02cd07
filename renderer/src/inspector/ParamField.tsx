import { checkParam } from '../../../shared/layers/params';
import type { ParamSpec, ParamValue } from '../../../shared/layers/types';
import { CheckboxField, NumberField, SelectField, TextCommitField } from './fields';

interface Props {
  readonly spec: ParamSpec;
  readonly value: ParamValue | undefined;
  readonly onCommit: (value: ParamValue, mergeKey?: string) => void;
  /** What an empty field means (pooling strides: the pool size), shown as its placeholder. */
  readonly emptyMeans?: string;
}

/** "28, 28" or "28x28" -> [28, 28]; "?" (or None) is an unknown size -> null. */
export function parseShapeText(text: string): (number | null)[] | null {
  const parts = text
    .split(/[\s,x×]+/i)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) return null;
  const dims = parts.map((p) => (p === '?' || p.toLowerCase() === 'none' ? null : Number(p)));
  return dims.every((d) => d === null || Number.isFinite(d)) ? dims : null;
}

/** One inspector field for a layer param, typed by its spec. */
export function ParamField({ spec, value, onCommit, emptyMeans }: Props) {
  switch (spec.kind) {
    case 'int':
    case 'float': {
      const current = typeof value === 'number' ? value : spec.default;
      return (
        <NumberField
          label={spec.label}
          help={spec.help}
          value={current}
          integer={spec.kind === 'int'}
          min={spec.min}
          max={spec.max}
          check={(v) => checkParam(spec, v ?? undefined)}
          onCommit={(v, key) => {
            if (v !== null) onCommit(v, key);
          }}
        />
      );
    }
    case 'enum':
      return (
        <SelectField
          label={spec.label}
          help={spec.help}
          value={typeof value === 'string' ? value : spec.default}
          options={spec.options.map((o) => ({ value: o, label: o }))}
          onCommit={(v) => onCommit(v)}
        />
      );
    case 'bool':
      return <CheckboxField label={spec.label} help={spec.help} value={typeof value === 'boolean' ? value : spec.default} onCommit={(v) => onCommit(v)} />;
    case 'shape': {
      const current = Array.isArray(value) ? (value as readonly (number | null)[]) : spec.default;
      return (
        <TextCommitField<readonly (number | null)[]>
          label={spec.label}
          help={spec.help}
          value={current}
          format={(v) => v.map((d) => (d === null ? '?' : String(d))).join(', ')}
          parse={(text) => {
            const dims = text.trim() === '' && spec.minRank === 0 ? [] : parseShapeText(text);
            if (!dims) return { ok: false, reason: `${spec.label} must be a list of sizes like 28, 28` };
            const reason = checkParam(spec, dims);
            return reason ? { ok: false, reason } : { ok: true, value: dims };
          }}
          same={(a, b) => a.length === b.length && a.every((d, i) => d === b[i])}
          onCommit={(v, key) => onCommit([...v], key)}
          placeholder={spec.minRank === 0 ? (emptyMeans ?? 'empty') : '28, 28'}
        />
      );
    }
  }
}
