// Bounds on the work one input file may cause, so a small hostile or broken file (a zip bomb, a page image of
// 400 million pixels, HTML nested thousands of levels deep, a 3,000-page blank scan) is refused with one line
// instead of taking the machine's memory or hours. The defaults are far above what a work report needs (a
// report is tens of pages, a few MB, a few hundred passages); src/config reads overrides from the environment.

export interface InputLimits {
  /** Bytes all entries of a DOCX (a zip) may inflate to, counted while inflating (DOCX_MAX_INFLATED_MB). */
  docxMaxInflatedBytes: number;
  /** Entries a DOCX may hold. */
  docxMaxEntries: number;
  /** Pixels of one image (a page image file, or an image embedded in a PDF page), checked before decoding (IMAGE_MAX_PIXELS). */
  imageMaxPixels: number;
  /** Pages of one PDF (PDF_MAX_PAGES). */
  pdfMaxPages: number;
  /** Scanned pages of one file read by OCR (OCR_MAX_PAGES). */
  ocrMaxPages: number;
  /** Seconds OCR may take on one file (OCR_MAX_SECONDS). */
  ocrMaxSeconds: number;
  /** Nesting depth of a web page's elements (HTML_MAX_DEPTH). */
  htmlMaxDepth: number;
  /** Tags of one web page (HTML_MAX_TAGS). */
  htmlMaxTags: number;
  /** Passages one added report may have before the person adding it must confirm (PASSAGES_CONFIRM_OVER). */
  passagesConfirmOver: number;
  /** Heap in MB of the process that reads a file (EXTRACT_MAX_MEMORY_MB; src/corpus/isolated.ts). */
  extractMaxMemoryMb: number;
}

const MB = 1024 * 1024;

export const DEFAULT_LIMITS: InputLimits = {
  docxMaxInflatedBytes: 64 * MB,
  docxMaxEntries: 5000,
  imageMaxPixels: 60_000_000,
  pdfMaxPages: 1000,
  ocrMaxPages: 200,
  ocrMaxSeconds: 1800,
  htmlMaxDepth: 1000,
  htmlMaxTags: 300_000,
  extractMaxMemoryMb: 1024,
  passagesConfirmOver: 3000,
};

/** A file refused because it would take more work than a limit allows; the message names the limit's variable. */
export class LimitError extends Error {}
