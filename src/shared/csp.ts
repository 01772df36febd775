/**
 * The renderer's Content-Security-Policy, for the Electron window and the headless host alike. It starts
 * from nothing and allows only the app's own files: an injected script or a remote resource cannot run
 * or load, and the page cannot send data anywhere but its own host.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
