// The viewer's HTML page: one self-contained file (styles, script and the run's data
// inline; no network, no CDN) that opens from disk. The static part already says what
// run it is; the script then draws the diagram from the embedded data.

import { formatTime } from "../../sim/index.js";
import type { RunHeader } from "../model/run-data.js";
import { clientBundle } from "./bundle.js";

const STYLE = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:13px/1.35 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2127;background:#fff}
body{display:flex;flex-direction:column}
header{padding:6px 12px;border-bottom:1px solid #d5d9df;background:#f7f8fa}
header h1{font-size:15px;margin:0 0 2px}
header .meta{color:#555;font-size:12px}
header code{background:#eceef2;padding:0 4px;border-radius:3px}
.verdict-pass{color:#17803d}.verdict-fail,.verdict-liveness,.verdict-deadlock,.verdict-error{color:#c62828}
#toolbar{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center;padding:5px 12px;border-bottom:1px solid #d5d9df}
#toolbar input,#toolbar select{font:inherit;padding:1px 4px}
#families{display:flex;flex-wrap:wrap;gap:4px}
.chip{display:inline-flex;align-items:center;gap:3px;border:1px solid #d5d9df;border-radius:10px;padding:0 6px;cursor:pointer;user-select:none}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px}
#stats{margin-left:auto;color:#444;font-variant-numeric:tabular-nums}
#main{flex:1;display:flex;min-height:0}
#diagram{flex:1;display:flex;flex-direction:column;min-width:0}
.row{display:flex}
.corner{width:140px;flex:none;font-size:11px;color:#666;padding:2px 6px;background:#f2f4f7}
#scroll{flex:1;overflow-y:auto;overflow-x:hidden;display:flex;align-items:flex-start;border-top:1px solid #d5d9df;border-bottom:1px solid #d5d9df}
#labels{width:140px;flex:none;position:relative;font-size:11px;background:#fafbfc;border-right:1px solid #d5d9df}
#labels div{position:absolute;left:0;right:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#labels .lane{padding-left:18px}
#labels .group{font-weight:600;color:#444;background:#eef1f5;padding-left:4px;font-size:10px;line-height:15px}
#labels .group.level0{background:#e4e8ee;padding-left:2px}
#labels .group.level2{padding-left:10px;font-weight:500}
canvas{display:block}
#canvas{cursor:grab}
#side{width:360px;flex:none;overflow:auto;border-left:1px solid #d5d9df;padding:6px 10px;background:#fcfcfd}
#side h3{font-size:13px;margin:6px 0}
#side table{border-collapse:collapse;font-size:12px}
#side td{padding:1px 6px 1px 0;vertical-align:top}
#side td:first-child{color:#666;white-space:nowrap}
.payload{background:#f2f4f7;padding:6px;font-size:11px;overflow:auto;max-height:40vh}
button{font:inherit;cursor:pointer}
.violation{display:block;text-align:left;width:100%;margin:2px 0;border:1px solid #f1c0c0;background:#fff5f5;color:#8a1c1c;border-radius:3px}
#tooltip{position:fixed;pointer-events:none;background:#222;color:#fff;font-size:11px;padding:3px 6px;border-radius:3px;max-width:560px;z-index:5}
#error{padding:12px;color:#c62828;font-weight:600}
.legend li{margin:2px 0}
`;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function headerHtml(h: RunHeader): string {
  const seed = h.seed === null ? "" : ` --seed ${h.seed}`;
  const source = h.source === "trace" ? " · from a trace file (no payloads)" : "";
  return `<header>
<h1>${escapeHtml(h.scenario)}${seed} · <span class="verdict-${escapeHtml(h.verdict)}">${escapeHtml(h.verdict.toUpperCase())}</span> · ${escapeHtml(h.title)}</h1>
<div class="meta">trace ${escapeHtml(h.traceHash)} · ${h.events.toLocaleString("en-US")} events · virtual ${formatTime(h.endUs)} · ${h.messageCount.toLocaleString("en-US")} messages · ${h.nodes.length} nodes${source} · rerun: <code>${escapeHtml(h.command)}</code></div>
</header>`;
}

const LEGEND = `<section class="legend"><h3>Legend</h3><ul>
<li>arrow: a message from send to delivery, coloured by family (the chips above filter them)</li>
<li><b style="color:#d62728">×</b> a dropped message, with its reason; dashed: a copy the network made (duplicate, late replay) or one held by a clog</li>
<li><b style="color:#ff9800">○</b> at a head: reordered, it overtook an earlier message on its link</li>
<li>lane shading: grey hatched = crashed, yellow = paused, grey = not booted</li>
<li>red / blue bands: a partition's two sides; orange: clog; purple: slow link; pink wash: loss, duplication or replay rate</li>
<li>▼ clock offset, drift or jump; red line with ◆: a check's violation; dots: what nodes emitted</li>
<li>wheel: zoom · drag: pan · shift+wheel: pan · f: fit · click: details</li>
</ul></section>`;

export interface PageInput {
  header: RunHeader;
  /** The encoded run, gzip-compressed, as base64. */
  dataBase64: string;
  /** Opening state: a job id to filter on. */
  job: string | null;
}

export function renderPage(input: PageInput): string {
  const h = input.header;
  const title = `${h.scenario}${h.seed === null ? "" : ` seed ${h.seed}`} (${h.verdict}) · simctl view`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body>
${headerHtml(h)}
<div id="toolbar"><output id="stats">loading…</output></div>
<div id="error" hidden></div>
<div id="main">
<div id="diagram">
<div class="row"><div class="corner">virtual time</div><canvas id="axis"></canvas></div>
<div id="scroll"><div id="labels"></div><canvas id="canvas"></canvas></div>
<div class="row"><div class="corner">density (whole run)</div><canvas id="minimap"></canvas></div>
</div>
<aside id="side"><section id="details"></section><section id="violations"></section>${LEGEND}</aside>
</div>
<div id="tooltip" hidden></div>
<script type="application/json" id="simctl-config">${JSON.stringify({ job: input.job }).replace(/</g, "\\u003c")}</script>
<script type="application/octet-stream" id="simctl-data">${input.dataBase64}</script>
<script>${clientBundle()}</script>
</body></html>
`;
}
