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
}

export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], options: { wide?: boolean } = {}): string[] {
  const shown = columns.filter((c) => options.wide || !c.wide);
  const cells = rows.map((r) => shown.map((c) => c.value(r)));
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
