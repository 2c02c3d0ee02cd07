import { randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(expected: string, presented: string | null | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // same work either way
    return false;
  }
  return timingSafeEqual(a, b);
}
