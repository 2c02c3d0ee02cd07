import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

let sessionCounter = 0;

/** A key that changes each time a field gains focus: edits within one focus merge into one undo step. */
function useEditSession() {
  const key = useRef(`edit-${++sessionCounter}`);
  return { key, renew: () => (key.current = `edit-${++sessionCounter}`) };
}

interface FieldFrameProps {
  readonly id: string;
  readonly label: string;
  readonly help?: string;
  readonly error?: string | null;
  readonly children: ReactNode;
  readonly inline?: boolean;
}

function FieldFrame({ id, label, help, error, children, inline }: FieldFrameProps) {
  return (
    <div className={`field${inline ? ' field--inline' : ''}${error ? ' has-error' : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {children}
      {error ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
      {help ? (
        <p className="field__help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
    </div>
  );
}

const describedBy = (id: string, help?: string, error?: string | null) =>
  [error ? `${id}-error` : '', help ? `${id}-help` : ''].filter(Boolean).join(' ') || undefined;

interface TextCommitProps<T> {
  readonly label: string;
  readonly help?: string;
  readonly value: T;
  readonly format: (v: T) => string;
  readonly parse: (text: string) => Parsed<T>;
  readonly same: (a: T, b: T) => boolean;
  readonly onCommit: (v: T, mergeKey: string) => void;
  readonly inputType?: 'text' | 'number';
  readonly inputProps?: Readonly<Record<string, string | number | undefined>>;
  readonly placeholder?: string;
}

/**
 * A text input that commits each valid value as it is typed and refuses
 * invalid ones with a message, leaving the document at the last valid value.
 */
export function TextCommitField<T>(props: TextCommitProps<T>) {
  const { label, help, value, format, parse, same, onCommit, inputType = 'text', inputProps, placeholder } = props;
  const id = useId();
  const [text, setText] = useState(() => format(value));
  const [error, setError] = useState<string | null>(null);
  const session = useEditSession();

  // Follow outside changes (undo, another node) unless the text already means that value.
  useEffect(() => {
    const p = parse(text);
    if (p.ok && same(p.value, value)) return;
    setText(format(value));
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only an outside change of the value re-syncs the text; typing must not
  }, [value]);

  const onChange = (next: string) => {
    setText(next);
    const p = parse(next);
    if (p.ok) {
      setError(null);
      if (!same(p.value, value)) onCommit(p.value, session.key.current);
    } else {
      setError(p.reason);
    }
  };

  return (
    <FieldFrame id={id} label={label} help={help} error={error}>
      <input
        id={id}
        className="input"
        type={inputType}
        value={text}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, help, error)}
        onFocus={session.renew}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => {
          if (error) {
            setText(format(value));
            setError(null);
          }
        }}
        {...inputProps}
      />
    </FieldFrame>
  );
}

interface NumberFieldProps {
  readonly label: string;
  readonly help?: string;
  readonly value: number | null;
  readonly integer: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Empty text means null (e.g. "all samples"). */
  readonly allowEmpty?: boolean;
  readonly placeholder?: string;
  /** A reason the number is not acceptable, or null. */
  readonly check: (v: number | null) => string | null;
  readonly onCommit: (v: number | null, mergeKey: string) => void;
}

export function NumberField({ label, help, value, integer, min, max, allowEmpty, placeholder, check, onCommit }: NumberFieldProps) {
  const parse = (text: string): Parsed<number | null> => {
    const t = text.trim();
    if (t === '') return allowEmpty ? { ok: true, value: null } : { ok: false, reason: `${label} needs a value` };
    const n = Number(t);
    if (!Number.isFinite(n)) return { ok: false, reason: `${label} must be a number` };
    if (integer && !Number.isInteger(n)) return { ok: false, reason: `${label} must be a whole number` };
    const reason = check(n);
    return reason ? { ok: false, reason } : { ok: true, value: n };
  };
  return (
    <TextCommitField<number | null>
      label={label}
      help={help}
      value={value}
      format={(v) => (v === null ? '' : String(v))}
      parse={parse}
      same={(a, b) => a === b}
      onCommit={onCommit}
      inputType="number"
      placeholder={placeholder}
      inputProps={{ min, max, step: integer ? 1 : 'any' }}
    />
  );
}

interface SelectFieldProps {
  readonly label: string;
  readonly help?: string;
  readonly value: string;
  readonly options: readonly { readonly value: string; readonly label: string }[];
  readonly onCommit: (v: string) => void;
}

export function SelectField({ label, help, value, options, onCommit }: SelectFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} help={help}>
      <select id={id} className="input" value={value} aria-describedby={describedBy(id, help)} onChange={(e) => onCommit(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

interface CheckboxFieldProps {
  readonly label: string;
  readonly help?: string;
  readonly value: boolean;
  readonly onCommit: (v: boolean) => void;
}

export function CheckboxField({ label, help, value, onCommit }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className="field field--check">
      <input id={id} type="checkbox" checked={value} aria-describedby={describedBy(id, help)} onChange={(e) => onCommit(e.target.checked)} />
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {help ? (
        <p className="field__help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
    </div>
  );
}
