// The toolbar: filter by job id (the whole life of one job; the window jumps to it), by
// node, by outcome, and by message family (the family chips double as the legend), plus
// a button that fits the whole run.

import { mentionsJob, type Filter, type ShowOutcome } from "../model/filter.js";
import type { App } from "./app.js";
import { familyColor } from "./colors.js";

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

const SHOW_OPTIONS: readonly (readonly [ShowOutcome, string])[] = [
  ["all", "every outcome"],
  ["delivered", "delivered"],
  ["dropped", "dropped or unfinished"],
  ["anomalies", "drops, duplicates, reorders"],
];

/** The first and last time job `job` (1 + index) appears, or null. */
function jobSpan(app: App, job: number): [number, number] | null {
  const { copies: c, messages: m, emits: e } = app.run;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < c.msg.length; i++)
    if (m.job[c.msg[i]!] === job) [lo, hi] = [Math.min(lo, c.startUs[i]!), Math.max(hi, c.endUs[i]!)];
  for (let i = 0; i < e.atUs.length; i++)
    if (e.job[i] === job) [lo, hi] = [Math.min(lo, e.atUs[i]!), Math.max(hi, e.atUs[i]!)];
  // A violation that names the job (a liveness report listing it) belongs to its story too.
  const name = app.run.header.jobs[job - 1] ?? "";
  for (const v of app.run.header.violations)
    if (mentionsJob(v.message, name)) [lo, hi] = [Math.min(lo, v.atUs), Math.max(hi, v.atUs)];
  return lo <= hi ? [lo, hi] : null;
}

export function setJob(app: App, text: string): void {
  const job = app.run.header.jobs.indexOf(text.trim()) + 1;
  app.setFilter({ ...app.filter, job });
  const span = job === 0 ? null : jobSpan(app, job);
  if (span !== null) app.vp.fit(span[0], span[1]);
  else if (text.trim() === "") app.vp.fit(0, app.run.header.endUs);
  app.requestRender();
}

export function buildControls(app: App, bar: HTMLElement): { job: HTMLInputElement } {
  const h = app.run.header;
  const jobs = el("datalist", { id: "jobs" });
  for (const j of h.jobs) jobs.appendChild(el("option", { value: j }));
  const job = el("input", {
    id: "filter-job",
    placeholder: h.jobs.length > 0 ? `job id, e.g. ${h.jobs[0]}` : "no jobs",
  });
  job.setAttribute("list", "jobs");
  job.addEventListener("change", () => setJob(app, job.value));
  const node = el("select", { id: "filter-node" });
  node.appendChild(el("option", { value: "-1", textContent: "every node" }));
  h.nodes.forEach((n, i) => {
    node.appendChild(el("option", { value: String(i), textContent: n.id }));
  });
  node.addEventListener("change", () => app.setFilter({ ...app.filter, node: Number(node.value) }));
  const show = el("select", { id: "filter-show" });
  for (const [value, text] of SHOW_OPTIONS) show.appendChild(el("option", { value, textContent: text }));
  show.addEventListener("change", () => app.setFilter({ ...app.filter, show: show.value as ShowOutcome }));
  const fit = el("button", { textContent: "fit run", title: "show the whole run (f)" });
  fit.addEventListener("click", () => {
    app.vp.fit(0, h.endUs);
    app.requestRender();
  });
  bar.prepend(label("job", job), jobs, label("node", node), label("show", show), familyChips(app), fit);
  return { job };
}

function label(text: string, control: HTMLElement): HTMLElement {
  const l = el("label", { className: "control" });
  l.append(text, " ", control);
  return l;
}

function familyChips(app: App): HTMLElement {
  const box = el("span", { id: "families" });
  for (const family of app.scene.families) {
    const input = el("input", { type: "checkbox", checked: true });
    input.dataset["family"] = family;
    input.addEventListener("change", () => {
      const hidden = new Set(app.filter.hiddenFamilies);
      if (input.checked) hidden.delete(family);
      else hidden.add(family);
      const next: Filter = { ...app.filter, hiddenFamilies: hidden };
      app.setFilter(next);
    });
    const swatch = el("span", { className: "swatch" });
    swatch.style.background = familyColor(family);
    const chip = el("label", { className: "chip" });
    chip.append(input, swatch, family);
    box.appendChild(chip);
  }
  return box;
}
