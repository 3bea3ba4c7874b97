import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// In development the Fastify relay runs on :8080; Vite proxies the API and the sync socket to it.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    // Inline nothing: every font, icon and translation is a file we serve ourselves.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      // Sign-in endpoints; the pages /auth/setup and /auth/invite themselves are the client's.
      '/auth': {
        target: 'http://127.0.0.1:8080',
        bypass: (req) => (req.method === 'GET' && /^\/auth\/(setup|invite)(\?|$)/.test(req.url ?? '') ? '/index.html' : undefined),
      },
      '/sync': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
})
