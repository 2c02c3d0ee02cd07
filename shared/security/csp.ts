/**
 * The UI's Content-Security-Policy: only the app's own scripts, styles, images and connections
 * (plus WebAssembly compilation for TF.js). The desktop app sends it as a header on its custom
 * scheme and renderer/index.html carries the same text as a `<meta http-equiv>`, so it holds even
 * where header events do not fire; csp.test.ts keeps the two equal.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'";
