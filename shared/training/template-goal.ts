import { z } from 'zod';
import type { Evaluation, Metrics } from './events';

/**
 * What a template promises to reach on its test set with its own settings (the
 * `goal` of a file in resources/templates): a test accuracy, for regression the
 * R² of the predictions, or for reconstruction (an autoencoder) a test loss at most.
 * A test trains the cheap templates and holds them to it.
 */
export const TemplateGoalSchema = z.union([
  z.object({
    metric: z.enum(['accuracy', 'r2']),
    atLeast: z.number().min(0).max(1),
  }),
  z.object({
    metric: z.literal('loss'),
    atMost: z.number().positive(),
  }),
]);
export type TemplateGoal = z.infer<typeof TemplateGoalSchema>;

/** The goal of a template file's JSON, or null where it states none (or a malformed one). */
export function templateGoal(raw: Record<string, unknown>): TemplateGoal | null {
  const parsed = TemplateGoalSchema.safeParse(raw['goal']);
  return parsed.success ? parsed.data : null;
}

/** What a run reached in the goal's metric, or null where the run has no such number. */
export function reached(goal: TemplateGoal, test: Metrics | null, evaluation: Evaluation | null): number | null {
  switch (goal.metric) {
    case 'accuracy':
      return evaluation?.task === 'regression' ? null : (test?.accuracy ?? null);
    case 'r2':
      return evaluation?.task === 'regression' ? evaluation.r2 : null;
    case 'loss':
      return test?.loss ?? null;
  }
}

/** Test sets are small (30 rows of iris): 27/30 is 0.9 give or take float rounding. */
const ROUNDING = 1e-6;

export function goalMet(goal: TemplateGoal, value: number | null): boolean {
  if (value === null) return false;
  return goal.metric === 'loss' ? value <= goal.atMost + ROUNDING : value >= goal.atLeast - ROUNDING;
}

/** "≥ 95% test accuracy", "R² ≥ 0.40 on the test set", "test loss ≤ 0.0100". */
export function describeGoal(goal: TemplateGoal): string {
  switch (goal.metric) {
    case 'accuracy':
      return `≥ ${Math.round(goal.atLeast * 1000) / 10}% test accuracy`;
    case 'r2':
      return `R² ≥ ${goal.atLeast.toFixed(2)} on the test set`;
    case 'loss':
      return `test loss ≤ ${goal.atMost.toPrecision(3)}`;
  }
}
