import type { AppliedChange } from '../../../shared/training/control';
import { describeChange } from '../../../shared/training/control';
import { changePlace } from './control-markers';

/** A run's settings history: the changes made while it trained, numbered as the chart markers are. */
export function ControlHistory({ changes, label, testId }: { changes: readonly AppliedChange[]; label: string; testId?: string }) {
  if (changes.length === 0) return null;
  return (
    <ol className="control-history small" aria-label={label} data-testid={testId}>
      {changes.map((c, i) => (
        <li key={i} data-step={c.step} data-epoch={c.epoch}>
          <span className="control-history__flag" aria-hidden="true">
            {i + 1}
          </span>
          <span className="control-history__text">{describeChange(c.change)}</span> <span className="muted">at {changePlace(c)}</span>
          {c.checkpoint ? (
            <span className="muted">
              {' '}
              → <code>{c.checkpoint}</code>
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
