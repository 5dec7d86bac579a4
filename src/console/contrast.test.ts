// The console's colours meet WCAG AA for normal text (4.5:1) against both backgrounds, in the
// light and the dark theme: read from the stylesheet's custom properties, so a colour changed
// there is checked here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const css = readFileSync(new URL("./static/console.css", import.meta.url), "utf8");

function themes(): Record<string, Record<string, string>> {
  const blocks = [...css.matchAll(/:root\s*\{([^}]*)\}/g)].map((m) => m[1]!);
  const vars = (block: string) => Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1]!, m[2]!]));
  assert.equal(blocks.length, 2, "a light and a dark :root");
  const light = vars(blocks[0]!);
  return { light, dark: { ...light, ...vars(blocks[1]!) } };
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

test("contrast: WCAG's own examples", () => {
  assert.equal(contrast("#000000", "#ffffff").toFixed(1), "21.0");
  assert.equal(contrast("#767676", "#ffffff").toFixed(2), "4.54");
});

test("contrast: every text colour is at least 4.5:1 on the page and panel backgrounds, in both themes", () => {
  for (const [name, v] of Object.entries(themes())) {
    for (const fg of ["fg", "muted", "accent", "ok", "warn", "bad", "primary-bar", "active-bar"]) {
      for (const bg of ["bg", "panel"]) {
        const ratio = contrast(v[fg]!, v[bg]!);
        assert.ok(ratio >= 4.5, `${name}: --${fg} ${v[fg]} on --${bg} ${v[bg]} is ${ratio.toFixed(2)}:1`);
      }
    }
  }
});

test("contrast: the focus ring is at least 3:1 (non-text) and a primary button's label 4.5:1, in both themes", () => {
  const t = themes();
  for (const [name, v] of Object.entries(t)) {
    for (const bg of ["bg", "panel"]) assert.ok(contrast(v.focus!, v[bg]!) >= 3, `${name}: --focus on --${bg}`);
  }
  // button.primary: white on the accent (light), the dark page colour on it (dark)
  assert.ok(contrast("#ffffff", t.light!.accent!) >= 4.5);
  assert.ok(contrast("#0d1117", t.dark!.accent!) >= 4.5);
});
