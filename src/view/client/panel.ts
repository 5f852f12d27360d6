// The side panel: the selected arrow, observation, violation or fault explained in full
// (with its payload and a link that filters to its job), the run's violations with the
// checker's sentence (click one to go there), and the legend of marks.

import { formatTime } from "../../sim/time.js";
import type { App } from "./app.js";
import { setJob } from "./controls.js";
import { account } from "./details.js";
import type { Hit } from "./hit.js";

export function showDetails(app: App, box: HTMLElement, hit: Hit | null, jobInput: HTMLInputElement): void {
  box.textContent = "";
  if (hit === null) {
    box.append(paragraph("Click an arrow, a dot, a fault or a violation to see it here."));
    return;
  }
  const a = account(app.run, hit);
  const title = document.createElement("h3");
  title.textContent = a.title;
  const table = document.createElement("table");
  for (const [k, v] of a.rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = v;
  }
  box.append(title, table);
  if (a.job !== null) {
    const job = a.job;
    const link = document.createElement("button");
    link.textContent = `show only job ${job}`;
    link.addEventListener("click", () => {
      jobInput.value = job;
      setJob(app, job);
    });
    box.append(link);
  }
  if (a.payload !== undefined) {
    const pre = document.createElement("pre");
    pre.className = "payload";
    pre.textContent = JSON.stringify(a.payload, null, 2);
    box.append(pre);
  } else if (hit.kind === "copy") box.append(paragraph("(no payload: this page was made from a trace file)"));
}

function paragraph(text: string): HTMLElement {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

export function listViolations(app: App, box: HTMLElement, select: (hit: Hit) => void): void {
  const violations = app.run.header.violations;
  box.textContent = "";
  const h = document.createElement("h3");
  h.textContent = violations.length === 0 ? "No violations" : `${violations.length} violation(s)`;
  box.append(h);
  violations.forEach((v, index) => {
    const item = document.createElement("button");
    item.className = "violation";
    item.textContent = `✗ ${formatTime(v.atUs)} ${v.check}: ${v.message}`;
    item.addEventListener("click", () => {
      const span = Math.max(app.run.header.endUs / 50, 2_000);
      app.vp.fit(v.atUs - span, v.atUs + span);
      select({ kind: "violation", index });
    });
    box.append(item);
  });
}
