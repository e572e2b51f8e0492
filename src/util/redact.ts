/**
 * Removes secrets from text before it is written anywhere (transcript, events, messages).
 * The known keys of the run are replaced exactly; on top of that, anything shaped like a
 * vendor API key is replaced too, as defence in depth against a key arriving by a path nobody
 * anticipated (an error body echoing a header, a model pasting one into a summary).
 */

export const REDACTED = "[redacted]";

const KEY_SHAPES: readonly RegExp[] = [
  // OpenAI, Anthropic (sk-ant-…), OpenRouter (sk-or-v1-…), DeepSeek: `\b` keeps "desk-…" safe.
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  // Google API keys.
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  // Groq, xAI, Hugging Face, GitHub tokens.
  /\b(?:gsk_|xai-|hf_|ghp_|github_pat_)[A-Za-z0-9_-]{16,}/g,
  // Credentials in headers or query strings, whatever their shape.
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{12,}/gi,
  // Backslashes stay out of the value classes so redacting JSON text never eats an escape.
  /((?:x-api-key|x-goog-api-key|api[_-]?key)["']?\s*[:=]\s*["']?)[^"'\s&,}\\]{8,}/gi,
  /([?&]key=)[^&\s"'\\]+/gi,
];

export class Redactor {
  private readonly secrets: string[];

  /** `secrets`: exact values to remove (keys shorter than 6 characters are ignored: too many false hits). */
  constructor(secrets: readonly (string | undefined)[] = []) {
    this.secrets = [
      ...new Set(
        secrets.filter((s): s is string => typeof s === "string" && s.trim().length >= 6).map((s) => s.trim()),
      ),
    ].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    for (const re of KEY_SHAPES) {
      out = out.replace(re, (match: string, prefix: unknown) =>
        typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED,
      );
    }
    return out;
  }

  /** A redactor for text that arrives in pieces (streamed model text): see StreamRedactor. */
  stream(): StreamRedactor {
    return new StreamRedactor(this, this.secrets);
  }

  /** [start, end) of every secret or key-shaped span in `text`. */
  spans(text: string): [number, number][] {
    const out: [number, number][] = [];
    for (const s of this.secrets) {
      for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) out.push([i, i + s.length]);
    }
    for (const re of KEY_SHAPES) for (const m of text.matchAll(re)) out.push([m.index, m.index + m[0].length]);
    return out;
  }

  /** A deep copy of a JSON-serialisable value with every string redacted. */
  redactValue<T>(value: T): T {
    const text = JSON.stringify(value);
    if (text === undefined) return value;
    const clean = this.redact(text);
    return clean === text ? value : (JSON.parse(clean) as T);
  }
}

/** Key-shaped text is held back at least this long, so a shape (e.g. `sk-` + 16 characters) can complete. */
const SHAPE_WINDOW = 128;

/**
 * Redacts text that arrives in pieces. Redacting each piece alone lets a key split over two
 * pieces through (`sk-ant-abc` + `def…`); this keeps a sliding window as wide as the longest
 * secret (and at least SHAPE_WINDOW) unwritten until the text after it shows that no secret
 * continues across it. `push` returns what may be written now; `flush` the rest at the end.
 */
export class StreamRedactor {
  private pending = "";
  private readonly window: number;

  constructor(
    private readonly redactor: Redactor,
    secrets: readonly string[],
  ) {
    this.window = Math.max(SHAPE_WINDOW, ...secrets.map((s) => s.length));
  }

  push(text: string): string {
    this.pending += text;
    let cut = this.pending.length - this.window;
    if (cut <= 0) return "";
    // A secret across the cut: one that ends before the text does is complete and goes out
    // (redacted); one that reaches the end may still grow, so the cut moves before it.
    for (const [start, end] of this.redactor.spans(this.pending)) {
      if (start < cut && end > cut) cut = end < this.pending.length ? end : start;
    }
    for (const [start, end] of this.redactor.spans(this.pending)) {
      if (start < cut && end > cut) cut = start;
    }
    const out = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return this.redactor.redact(out);
  }

  flush(): string {
    const out = this.pending;
    this.pending = "";
    return this.redactor.redact(out);
  }
}
