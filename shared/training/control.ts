import { z } from 'zod';
import { LrScheduleSchema, LR_SCHEDULE_KINDS, type LrSchedule } from '../graph/document';
import { assertNever } from '../layers/params';

/**
 * Changes to a run while it trains. Each takes effect before the next batch (at the latest at the
 * next epoch's first batch) and is kept, with the step it took effect at, in the run's record
 * (`run.json` `controls`), so the run can be replayed: the same changes at the same steps give the
 * same weights on the same backend with the same seed.
 */
export const RunChangeSchema = z.discriminatedUnion('kind', [
  /**
   * From the next batch the learning rate starts again at `learningRate` and follows `schedule`
   * (absent: the schedule in use) over the epochs left.
   */
  z.object({ kind: z.literal('learningRate'), learningRate: z.number().finite().gt(0).max(10), schedule: LrScheduleSchema.optional() }),
  /** The run's total number of epochs (never fewer than the epoch under way). */
  z.object({ kind: z.literal('epochs'), epochs: z.number().int().min(1).max(10_000) }),
  /** End the run (with its test evaluation) once the epoch under way is done. */
  z.object({ kind: z.literal('stopAfterEpoch'), enabled: z.boolean() }),
  /** Early stopping on or off, with the run's monitor and patience. */
  z.object({ kind: z.literal('earlyStopping'), enabled: z.boolean() }),
  /** Save the weights as they are now (`checkpoints/step-N/` in the run folder). */
  z.object({ kind: z.literal('checkpoint') }),
]);
export type RunChange = z.infer<typeof RunChangeSchema>;

/** A change as it was applied: before global step `step` (batch `batch` of epoch `epoch`, 0-based). */
export const AppliedChangeSchema = z.object({
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  batch: z.number().int().min(0),
  change: RunChangeSchema,
  /** When it was applied (ISO time). */
  at: z.string(),
  /** A checkpoint's folder, relative to the run folder. */
  checkpoint: z.string().optional(),
});
export type AppliedChange = z.infer<typeof AppliedChangeSchema>;

const SCHEDULE_TEXT: Record<LrSchedule['kind'], string> = {
  constant: 'constant',
  step: 'step decay',
  exponential: 'exponential decay',
  cosine: 'cosine decay',
  reduceOnPlateau: 'reduce on plateau',
};

/** One line for people: "learning rate → 0.001 (cosine decay)". */
export function describeChange(change: RunChange): string {
  switch (change.kind) {
    case 'learningRate':
      return `learning rate → ${formatRate(change.learningRate)}${change.schedule ? ` (${SCHEDULE_TEXT[change.schedule.kind]})` : ''}`;
    case 'epochs':
      return `epochs → ${change.epochs}`;
    case 'stopAfterEpoch':
      return change.enabled ? 'stop after this epoch' : 'keep going after this epoch';
    case 'earlyStopping':
      return `early stopping ${change.enabled ? 'on' : 'off'}`;
    case 'checkpoint':
      return 'checkpoint saved';
    default:
      return assertNever(change);
  }
}

export function formatRate(lr: number): string {
  return lr !== 0 && (Math.abs(lr) < 1e-3 || Math.abs(lr) >= 1e4) ? lr.toExponential(2).replace(/\.?0+e/, 'e') : String(Number(lr.toPrecision(4)));
}

/** A schedule of `kind` with the defaults the settings form offers. */
export function defaultSchedule(kind: LrSchedule['kind']): LrSchedule {
  switch (kind) {
    case 'constant':
      return { kind };
    case 'step':
      return { kind, everyEpochs: 10, factor: 0.5 };
    case 'exponential':
      return { kind, rate: 0.95 };
    case 'cosine':
      return { kind, minLearningRate: 0 };
    case 'reduceOnPlateau':
      return { kind, factor: 0.5, patience: 2, minLearningRate: 0 };
    default:
      return assertNever(kind);
  }
}

export const CONTROL_COMMAND_HELP = [
  'lr <rate> [constant|step|exponential|cosine|reduceOnPlateau]',
  'epochs <n>',
  'stop-after-epoch [on|off]',
  'early-stopping on|off',
  'checkpoint',
  'or one JSON object per line: {"kind":"learningRate","learningRate":0.001}',
].join('; ');

/**
 * One command line of a control file or of stdin (`lr 0.001 cosine`, `epochs 20`,
 * `stop-after-epoch`, `early-stopping off`, `checkpoint`, or a RunChange as JSON).
 * Blank lines and `#` comments give null; anything else unreadable throws with a readable message.
 */
export function parseControlCommand(line: string): RunChange | null {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return null;
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`"${clip(text)}" is not valid JSON.`);
    }
    const r = RunChangeSchema.safeParse(json);
    if (!r.success) throw new Error(`"${clip(text)}" is not a run change (${r.error.issues[0]?.path.join('.') || 'kind'}: ${r.error.issues[0]?.message ?? 'invalid'}).`);
    return r.data;
  }
  const [word = '', ...args] = text.split(/\s+/);
  const onOff = (v: string | undefined, fallback: boolean | null): boolean => {
    if (v === undefined && fallback !== null) return fallback;
    if (v === 'on' || v === 'true' || v === 'yes') return true;
    if (v === 'off' || v === 'false' || v === 'no') return false;
    throw new Error(`"${clip(text)}": say on or off.`);
  };
  const checked = (change: unknown): RunChange => {
    const r = RunChangeSchema.safeParse(change);
    if (!r.success) throw new Error(`"${clip(text)}": ${r.error.issues[0]?.message ?? 'invalid value'}.`);
    return r.data;
  };
  switch (word.toLowerCase()) {
    case 'lr':
    case 'learning-rate': {
      const lr = Number(args[0]);
      if (args[0] === undefined || !Number.isFinite(lr)) throw new Error(`"${clip(text)}": give the new learning rate, e.g. "lr 0.001".`);
      const kind = args[1];
      if (kind !== undefined && !(LR_SCHEDULE_KINDS as readonly string[]).includes(kind)) {
        throw new Error(`"${clip(text)}": unknown schedule "${kind}"; use ${LR_SCHEDULE_KINDS.join(', ')}.`);
      }
      return checked({ kind: 'learningRate', learningRate: lr, ...(kind ? { schedule: defaultSchedule(kind as LrSchedule['kind']) } : {}) });
    }
    case 'epochs': {
      const n = Number(args[0]);
      if (!/^\d+$/.test(args[0] ?? '')) throw new Error(`"${clip(text)}": give the total number of epochs, e.g. "epochs 20".`);
      return checked({ kind: 'epochs', epochs: n });
    }
    case 'stop-after-epoch':
      return { kind: 'stopAfterEpoch', enabled: onOff(args[0], true) };
    case 'early-stopping':
      return { kind: 'earlyStopping', enabled: onOff(args[0], null) };
    case 'checkpoint':
      return { kind: 'checkpoint' };
    default:
      throw new Error(`unknown command "${clip(text)}"; use ${CONTROL_COMMAND_HELP}.`);
  }
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
