import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../shared/security/csp';

describe('Content-Security-Policy', () => {
  it('renderer/index.html carries the policy as its first meta, before any script', () => {
    const html = readFileSync(path.resolve(__dirname, '../../renderer/index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)" \/>/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });

  it('the built page keeps it', () => {
    const built = path.resolve(__dirname, '../../dist/renderer/index.html');
    let html: string;
    try {
      html = readFileSync(built, 'utf8');
    } catch {
      return; // Not built here; the source check above still runs.
    }
    expect(html).toContain(`content="${CONTENT_SECURITY_POLICY}"`);
  });
});
