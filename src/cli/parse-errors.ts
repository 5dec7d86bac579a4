// Where a file `apply` or `translate` reads is broken, told as editors and compilers tell it:
// FILE:LINE:COLUMN, what is wrong, and the offending line with a caret under the place. Node's
// JSON.parse gives a character offset at best (and no place at all for "Unexpected token"), and
// the YAML parser's message carries its own excerpt; both are brought to this one form. Pure.

export interface TextPlace {
  /** 1-based. */
  line: number;
  /** 1-based, in characters of the line. */
  column: number;
}

/** The line and column of a character offset. */
export function placeOf(text: string, offset: number): TextPlace {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lastBreak = before.lastIndexOf("\n");
  return { line: before.split("\n").length, column: before.length - lastBreak };
}

// A line longer than this is shown as a window around the column.
const WIDTH = 100;

/** The line at `place` and a caret under its column, indented like a compiler's excerpt. */
export function excerpt(text: string, place: TextPlace): string {
  let line = (text.split("\n")[place.line - 1] ?? "").replace(/\r$/, "").replace(/\t/g, " ");
  let column = Math.min(place.column, line.length + 1);
  if (line.length > WIDTH) {
    const start = Math.max(0, Math.min(column - WIDTH / 2, line.length - WIDTH));
    line = `${start > 0 ? "…" : ""}${line.slice(start, start + WIDTH)}${start + WIDTH < line.length ? "…" : ""}`;
    column = column - start + (start > 0 ? 1 : 0);
  }
  const gutter = String(place.line);
  return `  ${gutter} | ${line}\n  ${" ".repeat(gutter.length)} | ${" ".repeat(column - 1)}^`;
}

/** `source:line:column: what: message` and the excerpt under it. */
export function placedError(source: string, what: string, message: string, text: string, place: TextPlace): string {
  return `${source}:${place.line}:${place.column}: ${what}: ${message}\n${excerpt(text, place)}`;
}

class Stop {
  constructor(readonly at: number) {}
}

/**
 * The offset of the first character that cannot continue valid JSON (the text's length when it
 * ends too soon), or -1 when the text is valid. Used only once JSON.parse has failed, to say
 * where; JSON.parse stays the judge of what is valid.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const stop = (): never => {
    throw new Stop(i);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const expect = (ch: string) => {
    if (text[i] !== ch) stop();
    i++;
  };
  const string = () => {
    expect('"');
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"') return void i++;
      if (ch < " ") stop();
      if (ch !== "\\") {
        i++;
        continue;
      }
      i++;
      if (text[i] === "u") {
        i++;
        for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? "")) stop();
      } else if ('"\\/bfnrt'.includes(text[i] ?? "x")) i++;
      else stop();
    }
    stop();
  };
  const digits = () => {
    if (!/[0-9]/.test(text[i] ?? "")) stop();
    while (/[0-9]/.test(text[i] ?? "")) i++;
  };
  // As JSON.parse reads a number: "1." and "-5e" fail after the dot or the e.
  const number = () => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else digits();
    if (text[i] === ".") {
      i++;
      digits();
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      digits();
    }
  };
  const word = () => {
    const w = ["true", "false", "null"].find((x) => x[0] === text[i]);
    if (!w) stop();
    for (const ch of w!) expect(ch);
  };
  const members = (close: string, member: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      member();
      space();
      if (text[i] === ",") {
        i++;
        continue;
      }
      expect(close);
      return;
    }
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === "{") {
      return members("}", () => {
        space();
        string();
        space();
        expect(":");
        value();
      });
    }
    if (ch === "[") return members("]", value);
    if (ch === '"') return string();
    if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) return number();
    word();
  };
  try {
    value();
    space();
    if (i < text.length) stop();
    return -1;
  } catch (err) {
    if (err instanceof Stop) return err.at;
    throw err;
  }
}

/** JSON.parse's message without the offset and the quoted text it may carry: the place is said apart. */
export function jsonMessage(err: Error): string {
  return err.message
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/, ".*" is not valid JSON$/s, "")
    .replace(/^Unexpected end of JSON input$/, "the text ends before the JSON does");
}

/** A JSON.parse failure of `text` as placedError's lines. */
export function jsonError(source: string, text: string, err: Error): string {
  const offset = jsonErrorOffset(text);
  // A text that ends too soon is shown where its last word ends, not on the empty line after it.
  const at = offset < 0 ? 0 : offset >= text.length ? text.trimEnd().length : offset;
  return placedError(source, "not valid JSON", jsonMessage(err), text, placeOf(text, at));
}

/** The first line of a YAML parser error, without the " at line L, column C:" it ends with. */
export function yamlMessage(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}
