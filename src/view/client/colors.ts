// The page's palette: one colour per message family (the legend and the arrows), and the
// shades of lane states and fault bands. Families this file does not know get a grey.

const FAMILY_COLORS: Readonly<Record<string, string>> = {
  membership: "#9aa0a6",
  heartbeat: "#a7b4d6",
  election: "#9467bd",
  "job flow": "#1f77b4",
  leadership: "#17becf",
  progress: "#2ca02c",
  results: "#e67e22",
  other: "#6b6b6b",
};

export function familyColor(family: string): string {
  return FAMILY_COLORS[family] ?? "#6b6b6b";
}

export const COLORS = {
  laneEven: "#ffffff",
  laneOdd: "#f6f7f9",
  groupLine: "#c9ced6",
  regionLine: "#7d8590",
  off: "rgba(120,120,120,0.18)",
  down: "rgba(90,90,90,0.35)",
  paused: "rgba(240,190,40,0.35)",
  sideA: "rgba(220,60,60,0.16)",
  sideB: "rgba(60,110,220,0.16)",
  clog: "rgba(230,140,30,0.22)",
  slow: "rgba(150,90,200,0.18)",
  rate: "rgba(220,60,60,0.06)",
  instant: "#b03a8c",
  drop: "#d62728",
  reordered: "#ff9800",
  violation: "#d62728",
  emit: "#333333",
  selection: "#000000",
  density: "#1f3a93",
} as const;

/** The shade of a node state on its lane, or null for up (the plain lane). */
export function stateColor(state: string): string | null {
  if (state === "down") return COLORS.down;
  if (state === "paused") return COLORS.paused;
  if (state === "off") return COLORS.off;
  return null;
}
