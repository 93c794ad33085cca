// The portals' build: one React application, written to dist/web and served by the API under /portal/.
import path from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: '/portal/',
  build: {
    outDir: path.resolve(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    // The API serves one flat folder (GET /portal/{file}): every asset sits beside index.html.
    assetsDir: '',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4000,
    // No inline script: the Content-Security-Policy allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // Ant Design marks its modules "use client" (for React Server Components): meaningless in this bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  logLevel: 'warn',
});
