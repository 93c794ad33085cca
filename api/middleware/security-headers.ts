import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers on every answer (portal, docs, API): a Content-Security-Policy allowing scripts
 * only from the platform itself (no inline script), styles from itself and inline (Ant Design's
 * CSS-in-JS and Swagger UI write style attributes), images also as data:/blob: URLs, requests only
 * to itself, no framing; plus HSTS, nosniff, no referrer, and the rest of Hono's defaults.
 */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
});
