// Where the page serves the OCR engine and pdf.js's fonts, relative to index.html. vite.config.ts
// (`ocrAssets`) copies the files there from their npm packages; nothing is fetched from a CDN.
export const OCR_ASSETS = {
  worker: 'ocr/worker.min.js',
  /** A folder: tesseract.js picks the core build (SIMD, relaxed SIMD or plain) the browser can run. */
  core: 'ocr/core',
  lang: 'ocr/lang',
  standardFonts: 'pdf/standard_fonts/',
} as const;
