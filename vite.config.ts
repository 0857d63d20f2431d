// Vite config for the page: React, and cross-origin isolation headers on the dev and preview servers.
// `npm start` serves it on 127.0.0.1; `npm run build` writes dist/, which any static server can host.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { OCR_ASSETS } from './src/worker/ocrAssets.ts';

// COOP + COEP make the page cross-origin isolated, which WASM threads (SharedArrayBuffer) need.
// A hospital web server hosting dist/ must send the same two headers (see README, "Hosting").
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

// "No report leaves the machine", enforced by the browser: the page, its workers and the service worker
// may only talk to their own origin. Sent as a header by the dev and preview servers (a hospital server
// must send the same, README "Hosting") and as a <meta> in the built page for servers that cannot.
// 'wasm-unsafe-eval' lets ONNX Runtime and Tesseract compile their WebAssembly; every worker is a script
// from this origin ('self'), so no blob: worker is needed.
const POLICY: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self' 'wasm-unsafe-eval'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data: blob:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'worker-src': "'self'",
  'manifest-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
};

function policy(overrides: Record<string, string> = {}): string {
  return Object.entries({ ...POLICY, ...overrides })
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

const CONTENT_SECURITY_POLICY = policy();
// The dev server injects React Fast Refresh's inline preamble; everything else is as strict as the build.
const DEV_CONTENT_SECURITY_POLICY = policy({ 'script-src': "'self' 'unsafe-inline' 'wasm-unsafe-eval'" });

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

/**
 * The installable offline app: Workbox precaches the shell, the workers, ONNX Runtime's and the OCR
 * engine's WebAssembly and data, in a cache named by the build's revision (old ones are deleted when a
 * new service worker activates). Model packages are not precached: they live in IndexedDB's model
 * store, verified on every load. A new version waits until the page accepts it (registerType 'prompt').
 */
function offlineApp(): Plugin[] {
  return VitePWA({
    registerType: 'prompt',
    injectRegister: false,
    manifest: {
      name: 'Pathology report extractor',
      short_name: 'Path extract',
      description: 'TNM staging, grade and biomarkers from breast-cancer pathology reports, on this computer',
      start_url: '.',
      scope: '.',
      display: 'standalone',
      background_color: '#f4f6f9',
      theme_color: '#1f4e79',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    workbox: {
      globPatterns: ['**/*.{html,js,mjs,css,wasm,gz,pfb,ttf,png,webmanifest}'],
      globIgnores: ['models/**', '**/*.map'],
      // ONNX Runtime's WebAssembly is 27 MB; Workbox skips files over 2 MB unless told.
      maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
      cleanupOutdatedCaches: true,
      // ?model=…&backend=… must still find the precached page.
      ignoreURLParametersMatching: [/./],
      navigateFallback: null,
    },
  });
}

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * The files the ingest worker fetches by URL rather than imports (tesseract.js loads its worker and
 * core by path and picks the core build at run time; pdf.js loads fonts by name): served path → file.
 * Only the LSTM core builds: the app runs Tesseract's LSTM engine alone (OEM.LSTM_ONLY).
 */
function ocrAssetFiles(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(OCR_ASSETS.worker, join(packageDir('tesseract.js'), 'dist/worker.min.js'));
  for (const build of ['', 'simd-', 'relaxedsimd-']) {
    const name = `tesseract-core-${build}lstm.wasm.js`;
    files.set(`${OCR_ASSETS.core}/${name}`, join(packageDir('tesseract.js-core'), name));
  }
  files.set(`${OCR_ASSETS.lang}/eng.traineddata.gz`, join(packageDir('@tesseract.js-data/eng'), '4.0.0_best_int/eng.traineddata.gz'));
  const fonts = join(packageDir('pdfjs-dist'), 'standard_fonts');
  for (const name of readdirSync(fonts)) files.set(`${OCR_ASSETS.standardFonts}${name}`, join(fonts, name));
  return files;
}

function ocrAssets(): Plugin {
  const files = ocrAssetFiles();
  return {
    name: 'path-extract:ocr-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]!.replace(/^\//, ''));
        const file = files.get(path);
        if (!file) return next();
        res.setHeader('Content-Type', path.endsWith('.js') ? 'text/javascript' : 'application/octet-stream');
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const [fileName, file] of files) this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
    },
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), ocrAssets(), offlineApp()],
  // A plain static site: a missing file is a 404, never index.html (a missing model package must be
  // recognisable as missing; the page itself is the only HTML).
  appType: 'mpa',
  // ES module workers: ONNX Runtime in the worker needs import.meta.url and starts its WASM threads as
  // module workers from its own script.
  worker: { format: 'es' },
  server: { host: '127.0.0.1', headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': DEV_CONTENT_SECURITY_POLICY } },
  preview: { host: '127.0.0.1', headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  build: { target: 'es2022', sourcemap: true },
});
