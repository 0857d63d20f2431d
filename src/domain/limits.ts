// What the app agrees to read, in one place: the page, the ingest worker and the CLI refuse the same
// inputs with the same words. Sized for breast pathology reports, which run to a few pages.

/** A file larger than this is refused before it is read (a report PDF is rarely over 5 MB; scans ~10). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** PDFs with more pages are refused: a report is a few pages, a 300-page file is a chart or a book. */
export const MAX_PDF_PAGES = 60;

/**
 * Report text longer than this is refused instead of read for minutes (the model reads ~2,000
 * characters per window; 200,000 characters is about 60 pages, 100 windows).
 */
export const MAX_REPORT_CHARS = 200_000;

/** A PDF page with fewer readable characters than this in its text layer is treated as a scan. */
export const MIN_TEXT_LAYER_CHARS = 20;

/** Share of a text layer's characters that may be unreadable (no Unicode mapping) before OCR takes over. */
export const MAX_UNREADABLE_SHARE = 0.25;

/** Pages are rendered at this resolution for OCR: Tesseract reads body text best at ~300 dpi. */
export const OCR_DPI = 300;

/** OCR words below this confidence (0..1, Tesseract's own) are shown marked and flag the fields they touch. */
export const OCR_LOW_CONFIDENCE = 0.8;
