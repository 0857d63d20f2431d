// Vite config for the page: React, and cross-origin isolation headers on the dev and preview servers.
// `npm start` serves it on 127.0.0.1; `npm run build` writes dist/, which any static server can host.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// COOP + COEP make the page cross-origin isolated, which WASM threads (SharedArrayBuffer) need.
// A hospital web server hosting dist/ must send the same two headers (see README, "Hosting").
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

// Defence in depth for "no report leaves the machine": the built page may only talk to its own
// origin. Build only, because the dev server injects inline scripts for hot reload.
// 'wasm-unsafe-eval' lets ONNX Runtime compile its WebAssembly; its worker and WASM threads are
// scripts from this origin ('self'), so no blob: worker is needed.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'path-extract:csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  // A plain static site: a missing file is a 404, never index.html (a missing model package must be
  // recognisable as missing; the page itself is the only HTML).
  appType: 'mpa',
  // ES module workers: ONNX Runtime in the worker needs import.meta.url and starts its WASM threads as
  // module workers from its own script.
  worker: { format: 'es' },
  server: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  build: { target: 'es2022', sourcemap: true },
});
