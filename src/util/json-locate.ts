/**
 * Where things are in a JSON text, for error messages that name a line.
 *
 * `JSON.parse` is used for the value itself; this scanner exists because V8's messages do not
 * always carry a position ("Unexpected token '}', ... is not valid JSON") and because schema
 * issues come back as paths, which a user can only act on as "line 12".
 */

export type JsonPath = ReadonlyArray<string | number>;

/** A JSON syntax error: offset into the text and a short reason. */
export interface JsonSyntaxProblem {
  offset: number;
  reason: string;
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

const pathKey = (p: JsonPath): string => JSON.stringify(p);

class Scanner {
  pos = 0;
  readonly offsets = new Map<string, number>();
  constructor(private readonly text: string) {}

  fail(reason: string, at = this.pos): never {
    throw Object.assign(new Error(reason), { offset: at, jsonProblem: true });
  }

  ws(): void {
    while (this.pos < this.text.length && " \t\n\r".includes(this.text.charAt(this.pos))) this.pos++;
  }

  describeHere(): string {
    if (this.pos >= this.text.length) return "unexpected end of file";
    return `unexpected character ${JSON.stringify(this.text.charAt(this.pos))}`;
  }

  value(path: JsonPath): void {
    this.ws();
    this.offsets.set(pathKey(path), this.pos);
    const c = this.text.charAt(this.pos);
    if (c === "{") return this.object(path);
    if (c === "[") return this.array(path);
    if (c === '"') return void this.string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    this.fail(`${this.describeHere()}: expected a value`);
  }

  object(path: JsonPath): void {
    this.pos++;
    this.ws();
    if (this.text.charAt(this.pos) === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.text.charAt(this.pos) !== '"') {
        this.fail(
          this.text.charAt(this.pos) === "}"
            ? "trailing comma before '}'"
            : `${this.describeHere()}: expected a double-quoted property name`,
        );
      }
      const keyAt = this.pos;
      const key = this.string();
      this.ws();
      if (this.text.charAt(this.pos) !== ":") this.fail(`${this.describeHere()}: expected ':' after property name`);
      this.pos++;
      const child = [...path, key];
      this.value(child);
      // Point a property at its key, not its value: the key is what a reader looks for.
      this.offsets.set(pathKey(child), keyAt);
      this.ws();
      const c = this.text.charAt(this.pos);
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === "}") {
        this.pos++;
        return;
      }
      this.fail(`${this.describeHere()}: expected ',' or '}' after a property value`);
    }
  }

  array(path: JsonPath): void {
    this.pos++;
    this.ws();
    if (this.text.charAt(this.pos) === "]") {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.ws();
      if (this.text.charAt(this.pos) === "]") this.fail("trailing comma before ']'");
      this.value([...path, i]);
      this.ws();
      const c = this.text.charAt(this.pos);
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === "]") {
        this.pos++;
        return;
      }
      this.fail(`${this.describeHere()}: expected ',' or ']' after an array element`);
    }
  }

  string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      if (this.pos >= this.text.length) this.fail("unterminated string", start);
      const c = this.text.charAt(this.pos);
      if (c === '"') {
        this.pos++;
        return JSON.parse(this.text.slice(start, this.pos)) as string;
      }
      if (c === "\\") {
        const e = this.text.charAt(this.pos + 1);
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6)))
            this.fail("bad \\u escape in string");
          this.pos += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== "") {
          this.pos += 2;
        } else {
          this.fail(`bad escape \\${e} in string`);
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) this.fail("line break or control character inside a string (use \\n)");
      this.pos++;
    }
  }

  number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!m) this.fail("malformed number");
    this.pos += m[0].length;
  }
}

function isProblem(e: unknown): e is Error & { offset: number } {
  return e instanceof Error && (e as { jsonProblem?: boolean }).jsonProblem === true;
}

/** Scan a JSON text: the first syntax problem, or the offset of every value by path. */
export function scanJson(
  text: string,
): { ok: true; offsets: Map<string, number> } | { ok: false; problem: JsonSyntaxProblem } {
  const s = new Scanner(text);
  try {
    s.value([]);
    s.ws();
    if (s.pos < text.length) s.fail("unexpected content after the end of the JSON value");
    return { ok: true, offsets: s.offsets };
  } catch (e) {
    if (isProblem(e)) return { ok: false, problem: { offset: e.offset, reason: e.message } };
    throw e;
  }
}

/**
 * Offset of the deepest existing prefix of `path` (a missing property is reported where its
 * parent object starts).
 */
export function offsetOfPath(offsets: Map<string, number>, path: JsonPath): number {
  for (let n = path.length; n >= 0; n--) {
    const at = offsets.get(pathKey(path.slice(0, n)));
    if (at !== undefined) return at;
  }
  return 0;
}
