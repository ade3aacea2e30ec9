import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// Served by the control plane at /console (same origin as /graphql); everything is bundled — the
// platform runs without internet (network separation), so no CDN.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  // The committed schema (repository root) for GraphiQL's docs; an alias keeps the import inside the project.
  resolve: { alias: [{ find: /^@committed\/schema\.graphql/, replacement: fileURLToPath(new URL('../../schema.graphql', import.meta.url)) }] },
  build: {
    outDir: '../../dist/apps/console',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2_000,
    rollupOptions: {
      // graphiql's react-compiler-runtime starts with "use no memo", a directive bundling drops harmlessly.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
