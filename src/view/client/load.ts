// Reads the run embedded in the page: base64 text in a script element, gzip-compressed
// (the file stays small enough to open from disk), decompressed with the browser's own
// DecompressionStream, then decoded by the shared codec. No network is touched.

import { type DecodedRun, decodeRun } from "../model/codec.js";

function base64Bytes(text: string): Uint8Array {
  const binary = atob(text.trim());
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === "undefined")
    throw new Error("this browser has no DecompressionStream (Chrome 80+, Firefox 113+, Safari 16.4+ do)");
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function loadRun(elementId: string): Promise<DecodedRun> {
  const el = document.getElementById(elementId);
  if (el === null || el.textContent === null) throw new Error(`no #${elementId} element with the run's data`);
  return decodeRun(await gunzip(base64Bytes(el.textContent)));
}

export interface PageConfig {
  /** A job id to filter on when the page opens (`simctl view … --job J`). */
  job: string | null;
}

export function readConfig(elementId: string): PageConfig {
  const text = document.getElementById(elementId)?.textContent ?? "";
  try {
    const parsed = JSON.parse(text) as Partial<PageConfig>;
    return { job: typeof parsed.job === "string" ? parsed.job : null };
  } catch {
    return { job: null };
  }
}
