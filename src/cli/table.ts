// Tables as kubectl prints them: upper-case headers, columns separated by three spaces, no
// borders, the last column left ragged.
import { visibleWidth } from "./style.js";

export interface Column<Row> {
  header: string;
  value(row: Row): string;
  /** Shown only with -o wide. */
  wide?: boolean;
  /** Numbers read better right-aligned. */
  align?: "right";
  /** As the last column, cut to fit `width` (a long free-text reason must not wrap the row). */
  fit?: boolean;
}

export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], options: { wide?: boolean; width?: number } = {}): string[] {
  const shown = columns.filter((c) => options.wide || !c.wide);
  const cells = rows.map((r) => shown.map((c) => c.value(r)));
  const last = shown.length - 1;
  if (options.width && shown[last]?.fit) {
    // Where the last column starts: the other columns' widths and their three-space gaps.
    const start = shown.slice(0, last).reduce((n, c, i) => n + Math.max(visibleWidth(c.header), ...cells.map((row) => visibleWidth(row[i]!))) + 3, 0);
    const room = Math.max(12, options.width - 1 - start);
    for (const row of cells) row[last] = clipPlain(row[last]!, room);
  }
  return renderCells(
    shown.map((c) => c.header),
    cells,
    shown.map((c) => c.align),
  );
}

/** Header and data cells to lines, each column as wide as its widest cell. */
export function renderCells(headers: readonly string[], cells: readonly (readonly string[])[], align: readonly ("right" | undefined)[] = []): string[] {
  const widths = headers.map((h, i) => Math.max(visibleWidth(h), ...cells.map((row) => visibleWidth(row[i] ?? ""))));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat(Math.max(0, widths[i]! - visibleWidth(cell)));
        if (i === row.length - 1 && align[i] !== "right") return cell;
        return align[i] === "right" ? pad + cell : cell + pad;
      })
      .join("   ")
      .replace(/\s+$/, "");
  return [line(headers), ...cells.map(line)];
}

/** Plain text cut to `width` characters, ending in "…" when cut. */
export function clipPlain(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join("").trimEnd()}…`;
}
