import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { contracts } from './src/shared/contracts';

/** Each read channel's staleOn list, for the renderer's data layer (src/renderer/src/data/stale-on.ts) without the contracts' schemas. */
const staleOn = Object.fromEntries(contracts.flatMap((c) => (c.staleOn ? [[c.name, c.staleOn]] : [])));

export default defineConfig({
  main: {
    build: {
      // Dependencies stay in node_modules (better-sqlite3 is native and cannot be bundled).
      externalizeDeps: true,
      rollupOptions: {
        input: {
          // The Electron entry, and the headless host that runs the same core in plain Node.
          index: resolve(__dirname, 'src/main/index.ts'),
          headless: resolve(__dirname, 'src/main/headless.ts'),
          // The export's worker threads (src/main/core/exports/parallel.ts load it by this name).
          'export-worker': resolve(__dirname, 'src/main/core/exports/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require() packages: bundle everything it uses into one file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    define: { __BALANCE_DESK_STALE_ON__: JSON.stringify(staleOn) },
    build: {
      // electron-vite leaves bundles unminified; the renderer is also served over HTTP by the host.
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
        // The libraries (React and the rest) in a chunk of their own: each file stays under Vite's 500 kB
        // advice, and a change of ours leaves the library file as it was.
        output: {
          manualChunks: (id) => (id.includes('node_modules') ? 'vendor' : undefined),
        },
      },
    },
  },
});
