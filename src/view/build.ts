// From a recorded (or imported) run to the page: encode the columns, gzip them, embed
// them as base64 in the HTML. Reports the sizes, since the encoding has a budget
// (README: bytes per message).

import { gzipSync } from "node:zlib";
import { writeFileAtomic } from "../repro/io.js";
import { encodeRun, type EncodeInput } from "./model/codec.js";
import type { RunHeader } from "./model/run-data.js";
import { renderPage } from "./html/page.js";

export interface BuiltPage {
  html: string;
  header: RunHeader;
  /** The encoded run before compression. */
  rawBytes: number;
  /** After gzip, as embedded (before base64). */
  gzipBytes: number;
}

export function buildPage(input: EncodeInput, options: { job?: string | null } = {}): BuiltPage {
  const raw = encodeRun(input);
  const gz = gzipSync(raw, { level: 9 });
  const html = renderPage({
    header: input.header,
    dataBase64: Buffer.from(gz).toString("base64"),
    job: options.job ?? null,
  });
  return { html, header: input.header, rawBytes: raw.length, gzipBytes: gz.length };
}

/** Writes the page atomically (a temp file, then rename): a reader never sees half a page. */
export function writePage(path: string, page: BuiltPage): void {
  writeFileAtomic(path, page.html);
}

/** The page's size per message sent, the figure the README's budget is about. */
export function bytesPerMessage(page: BuiltPage): number {
  return Buffer.byteLength(page.html) / Math.max(page.header.messageCount, 1);
}
