import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";

/**
 * Item 10: the README documents every flag the built CLI offers, links only to files in the
 * repository (`../shared/...` was broken in every clone), installs cadagent in CI the way that
 * works today (from the repository), and documents the keychain attribute actually stored.
 */

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const main = inject("cliMain");
const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");

function help(args: string[]): string {
  const r = spawnSync(process.execPath, [main, ...args, "--help"], {
    env: { PATH: process.env.PATH, HOME: repoRoot, NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const commandNames = (text: string): string[] =>
  [...(text.split(/^Commands:$/m)[1] ?? "").matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
    .map((m) => m[1] ?? "")
    .filter((n) => n !== "help");

const longFlags = (text: string): string[] =>
  [...((text.split(/^Options:$/m)[1] ?? "").split(/^\S/m)[0] ?? "").matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map(
    (m) => m[1] ?? "",
  );

describe("README", () => {
  it("documents every flag of every command", () => {
    const root = help([]);
    const missing: string[] = [];
    const check = (args: string[], text: string): void => {
      for (const flag of longFlags(text))
        if (!readme.includes(flag)) missing.push(`cadagent ${args.join(" ")} ${flag}`);
    };
    check([], root);
    for (const c of commandNames(root)) {
      const text = help([c]);
      check([c], text);
      for (const sub of commandNames(text)) check([c, sub], help([c, sub]));
    }
    expect(missing).toEqual([]);
    for (const flag of ["--retry-failed", "--effort", "--resume", "--views", "--no-review"])
      expect(readme).toContain(flag);
  });

  it("links only to files inside the repository (no ../shared, nothing missing)", () => {
    const docs = ["README.md", ...readdirSync(path.join(repoRoot, "docs")).map((f) => `docs/${f}`)].filter((f) =>
      f.endsWith(".md"),
    );
    const broken: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(path.join(repoRoot, doc), "utf8");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = (m[1] ?? "").split("#")[0] ?? "";
        if (!target || /^(https?:|mailto:)/.test(target)) continue;
        const full = path.resolve(repoRoot, path.dirname(doc), target);
        const rel = path.relative(repoRoot, full);
        if (rel.startsWith("..") || path.isAbsolute(rel) || !existsSync(full)) broken.push(`${doc}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
    expect(readme).not.toContain("../shared");
  });

  it("CI installs cadagent from the repository, not from an unpublished npm name", () => {
    const workflow = readFileSync(path.join(repoRoot, "examples", "ci", "github-actions.yml"), "utf8");
    for (const text of [readme, workflow]) {
      expect(text).not.toMatch(/npm (install|i) (--global|-g) cadagent/);
      // From this checkout, as a packed tarball (the same steps the packed-install test runs).
      expect(text).toMatch(/npm ci[\s\S]*npm pack --ignore-scripts[\s\S]*npm install --global \.\/cadagent-\*\.tgz/);
    }
  });

  it("the keychain lookup it documents uses the attribute that is stored (`username`, as keyring-rs writes it)", () => {
    expect(readme).toContain("`secret-tool lookup service cadagent username anthropic`");
    // The keychain integration test reads the stored item back with exactly these attributes.
    const witness = readFileSync(path.join(repoRoot, "tests", "integration", "keys", "keychain.test.ts"), "utf8");
    expect(witness).toContain('["lookup", "service", "cadagent", "username", account]');
  });
});
