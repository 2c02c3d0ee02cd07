import { useId } from 'react';
import type { DatasetInfo } from '../../../shared/training/dataset-info';
import type { TrainingSettings } from '../../../shared/graph/document';
import { pickFolder, pickOpenPath } from '../platform';
import { inspectKey } from '../state/inspect-import';
import { errorText, useUi } from '../state/ui';
import { basename } from '../shell/paths';
import { formatCount } from '../canvas/format';
import { CheckboxField, SelectField, TextCommitField } from './fields';

interface Props {
  readonly training: TrainingSettings;
  /** The data set's options (`DatasetInfo.options`): which of the fields below apply. */
  readonly options: readonly string[];
  readonly onData: (data: Partial<TrainingSettings['data']>, mergeKey?: string) => void;
}

/** What an inspected import holds, in a line. */
function summary(info: DatasetInfo): string {
  const rows = `${formatCount(info.trainSize + info.testSize)} rows: ${formatCount(info.trainSize)} training, ${formatCount(info.testSize)} test`;
  const what =
    info.task === 'regression'
      ? 'predicting a number'
      : `${info.numClasses} classes (${info.classNames.slice(0, 4).join(', ')}${info.classNames.length > 4 ? ', …' : ''})`;
  const inputs = info.sampleShape.length === 1 ? ` · ${info.sampleShape[0]} inputs` : '';
  return `${rows} · ${what}${inputs}`;
}

/**
 * The file (or folder) of an imported data set, read at once so its size, classes or the
 * reason it cannot be used show before training; a CSV's label column is picked from its header.
 */
export function DataFileFields({ training, options, onData }: Props) {
  const id = useId();
  const folder = training.dataset === 'image-folder';
  const { path, regression } = training.data;
  const inspected = useUi((s) => s.inspected);
  const key = inspectKey(training);
  const current = inspected && inspected.key === key ? inspected : null;
  const info = current?.info ?? null;
  const error = current?.error ?? null;

  if (!options.includes('path')) return null;

  const choose = async () => {
    try {
      const title = folder ? 'Choose the image folder (one sub-folder per class)' : 'Choose the CSV file';
      const picked = await (folder ? pickFolder({ title, ...(path ? { defaultPath: path } : {}) }) : pickOpenPath({ title, ...(path ? { defaultPath: path } : {}) }));
      if (picked) onData({ path: picked });
    } catch (e) {
      useUi.getState().notify('error', `Could not show the file picker: ${errorText(e)}`);
    }
  };

  const columns = info?.columns ?? null;
  const columnField = (key: 'labelColumn' | 'textColumn', label: string, help: string, fallback: string) =>
    columns ? (
      <SelectField
        label={label}
        help={help}
        value={training.data[key] ?? ''}
        options={[{ value: '', label: fallback }, ...columns.map((c) => ({ value: c, label: c }))]}
        onCommit={(v) => onData({ [key]: v === '' ? null : v })}
      />
    ) : (
      <TextCommitField<string | null>
        label={label}
        help={help}
        value={training.data[key]}
        placeholder={fallback}
        format={(v) => v ?? ''}
        parse={(text) => ({ ok: true, value: text.trim() === '' ? null : text.trim() })}
        same={(a, b) => a === b}
        onCommit={(v, k) => onData({ [key]: v }, k)}
      />
    );

  return (
    <>
      <div className="field">
        <span className="field__label" id={`${id}-label`}>
          {folder ? 'Image folder' : 'Data file'}
        </span>
        <div className="data-file">
          <span className="data-file__path" title={path ?? undefined} aria-labelledby={`${id}-label`} data-testid="data-file-path">
            {path ? basename(path) : folder ? 'No folder chosen' : 'No file chosen'}
          </span>
          <button type="button" className="btn btn--small" onClick={() => void choose()} aria-label={folder ? 'Choose the image folder' : 'Choose the data file'}>
            Choose…
          </button>
        </div>
        {error ? (
          <p className="field__error" role="alert" data-testid="data-file-error">
            {error}
          </p>
        ) : (
          <p className="field__help" data-testid="data-file-summary">
            {info ? summary(info) : path ? 'Reading…' : folder ? 'A folder with one sub-folder of images per class.' : 'A CSV file with a header row.'}
          </p>
        )}
      </div>
      {options.includes('labelColumn') ? columnField('labelColumn', 'Label column', 'The column to predict; the others are the inputs.', columns ? `last column (${columns.at(-1) ?? ''})` : 'last column') : null}
      {options.includes('textColumn') ? columnField('textColumn', 'Text column', 'The column holding the texts.', 'first other column') : null}
      {options.includes('regression') ? (
        <CheckboxField label="Predict a number (regression)" help="Off: each label value is a class." value={regression} onCommit={(v) => onData({ regression: v })} />
      ) : null}
    </>
  );
}
