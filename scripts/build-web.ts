/** Builds the portals into dist/web when they are missing or stale (`npm run web:build`; `npm run up` and CI call it). */
import { ensureWebBuilt } from './lib/web-build';

const built = ensureWebBuilt((m) => console.error(`[web] ${m}`));
console.error(built ? '[web] portals built' : '[web] portals up to date');
