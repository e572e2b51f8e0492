import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `cadagent build` is what CI runs for hundreds of parts: its module graph must not load a
 * provider SDK (about 1 s of start-up). Walks the static, value-level imports from the build
 * command (type-only imports are erased; dynamic import() is the lazy path and is not followed).
 */

const src = path.resolve(import.meta.dirname, "../../../src");
const SDKS = /^(@anthropic-ai\/sdk|openai|@google\/genai)(\/|$)/;
const IMPORT = /^\s*(import|export)\s+(?!type\s)([^"';]*?\s+from\s+)?["']([^"']+)["']/gm;

function graph(...entries: string[]): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const todo = [...entries];
  while (todo.length) {
    const file = todo.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const spec = m[3] as string;
      if (spec.startsWith(".")) {
        const ts = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts");
        if (existsSync(ts)) todo.push(ts);
      } else if (!spec.startsWith("node:")) packages.set(spec, path.relative(src, file));
    }
  }
  return { files, packages };
}

describe("the build command's module graph", () => {
  it("loads no provider SDK", () => {
    // build.ts starts FreeCAD, then loads these at once with import(): they are the build's path too.
    const { files, packages } = graph(
      ...["cli/commands/build.ts", "cli/commands/build-run.ts", "config/load.ts", "llm/providers.ts"].map((f) =>
        path.join(src, f),
      ),
    );
    expect(files.size).toBeGreaterThan(20);
    const sdks = [...packages].filter(([p]) => SDKS.test(p)).map(([p, by]) => `${p} (imported by ${by})`);
    expect(sdks).toEqual([]);
  });

  it("would notice one (the design command does load them)", () => {
    const { packages } = graph(path.join(src, "llm/openai-chat.ts"));
    expect([...packages.keys()].some((p) => SDKS.test(p))).toBe(true);
  });
});

describe("the provider adapters' module graphs", () => {
  const sdksOf = (file: string): string[] =>
    [...graph(path.join(src, file)).packages.keys()].filter((p) => SDKS.test(p)).sort();

  it("createAdapter loads a protocol's module only when asked for it", () => {
    expect(sdksOf("llm/create-adapter.ts")).toEqual([]);
  });

  it.each([
    ["llm/anthropic.ts", ["@anthropic-ai/sdk"]],
    ["llm/openai-chat.ts", ["openai"]],
    ["llm/openai-responses.ts", ["openai"]],
    ["llm/gemini.ts", ["@google/genai"]],
  ])("%s loads its own SDK and no other", (file, expected) => {
    expect(sdksOf(file)).toEqual(expected);
  });
});
