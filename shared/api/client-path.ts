import { z } from 'zod';

/**
 * "A path the client gave": the one schema for every file or folder path a call carries, at any
 * depth (`path`, `outDir`, `projectPath`, `doc.training.data.path`...). The back end parses a
 * call's params inside `withPathPolicy`, so zod itself visits every such path and the policy
 * (browser mode: only the folders the user allowed) checks it and returns the normalised path;
 * a new field typed with this schema cannot be forgotten. Outside `withPathPolicy` (the renderer,
 * project files) the schema only checks the length.
 */

/** Returns the path to use, or throws an error whose `code` (e.g. FORBIDDEN_PATH) and message reach the client. */
export type PathCheck = (requested: string) => string;

let active: PathCheck | null = null;

/** Marks an issue raised by the path policy (the back end turns it into an error with its code). */
export const PATH_POLICY_ISSUE = 'netwrightPathPolicy';

function checkWithPolicy(value: string, ctx: z.core.$RefinementCtx<string>): string {
  if (!active || value === '') return value;
  try {
    return active(value);
  } catch (error) {
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'FORBIDDEN_PATH';
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error), params: { [PATH_POLICY_ISSUE]: code } });
    return z.NEVER;
  }
}

/** A file or folder path sent by the client (1 to 4096 characters). */
export const ClientPathSchema = z.string().min(1).max(4096).transform(checkWithPolicy);

/** The same, where an empty string means "none chosen yet" (a project's data path). */
export const OptionalClientPathSchema = z.string().max(4096).transform(checkWithPolicy);

/**
 * Runs `parse` (synchronous: zod's parse) with `check` applied to every client path it meets.
 * Nested calls restore the outer check.
 */
export function withPathPolicy<T>(check: PathCheck, parse: () => T): T {
  const outer = active;
  active = check;
  try {
    return parse();
  } finally {
    active = outer;
  }
}

/** The first issue the path policy raised in a failed parse (unions' inner issues included), with where it was. */
export function pathPolicyIssue(error: z.ZodError): { code: string; where: string; message: string } | null {
  const visit = (issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): { code: string; where: string; message: string } | null => {
    for (const issue of issues) {
      const at = [...prefix, ...issue.path];
      const code = issue.code === 'custom' ? (issue.params as Record<string, unknown> | undefined)?.[PATH_POLICY_ISSUE] : undefined;
      if (typeof code === 'string') return { code, where: at.map(String).join('.'), message: issue.message };
      if (issue.code === 'invalid_union') {
        for (const branch of issue.errors) {
          const found = visit(branch, at);
          if (found) return found;
        }
      }
    }
    return null;
  };
  return visit(error.issues, []);
}
