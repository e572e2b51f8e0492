import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { shardFromEnv } from "../../../src/batch/shard.js";

/**
 * The scale-out recipes in examples/ (Kubernetes, AWS Batch, GitHub Actions) and the container
 * recipe parse, name the fields they must, and set the environment `--shard auto` resolves.
 * None of them can run here (no cluster, no AWS, no Docker daemon): this is what can be checked.
 */

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const read = (f: string): string => readFileSync(path.join(repoRoot, f), "utf8");

/** A loosely typed view of parsed YAML/JSON, for reaching into nested fields. */
type Tree = Record<string, unknown>;
const at = (o: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>((v, k) => (v === null || typeof v !== "object" ? undefined : (v as Tree)[k]), o);
const envOf = (container: unknown): Record<string, string> =>
  Object.fromEntries(
    ((at(container, "env") ?? at(container, "environment") ?? []) as { name: string; value?: string }[])
      .filter((e) => e.value !== undefined)
      .map((e) => [e.name, e.value as string]),
  );

describe("Kubernetes Indexed Job", () => {
  const docs = parseAllDocuments(read("examples/k8s/indexed-job.yaml")).map((d) => d.toJS() as Tree);
  const job = docs.find((d) => d.kind === "Job");
  const pvc = docs.find((d) => d.kind === "PersistentVolumeClaim");
  const container = at(job, "spec", "template", "spec", "containers", 0);

  it("is an Indexed Job whose shard count matches its completions, with the image, --shard auto and --resume", () => {
    expect(at(job, "spec", "completionMode")).toBe("Indexed");
    const completions = at(job, "spec", "completions") as number;
    expect(completions).toBeGreaterThan(1);
    expect(at(job, "spec", "parallelism")).toBeLessThanOrEqual(completions);
    expect(at(container, "image")).toMatch(/cadagent:/);
    const env = envOf(container);
    expect(env.CADAGENT_SHARD_COUNT).toBe(String(completions));
    const cmd = [...(at(container, "command") as string[]), ...(at(container, "args") as string[])].join(" ");
    expect(cmd).toMatch(/cadagent batch \S+ --shard auto --resume/);
    expect(cmd).toMatch(/-o \/data\/results\/shard-\$JOB_COMPLETION_INDEX/);
    // The last pod (index completions-1, set by Kubernetes) resolves to the last shard.
    expect(shardFromEnv({ ...env, JOB_COMPLETION_INDEX: String(completions - 1) })).toMatchObject({
      index: completions,
      count: completions,
    });
  });

  it("writes results to a shared volume and runs as the image's non-root user", () => {
    const claim = at(job, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName");
    expect(claim).toBe(at(pvc, "metadata", "name"));
    expect(at(pvc, "spec", "accessModes")).toContain("ReadWriteMany");
    expect(at(container, "volumeMounts", 0, "mountPath")).toBe("/data");
    expect(at(job, "spec", "template", "spec", "securityContext", "runAsNonRoot")).toBe(true);
    expect(at(job, "spec", "template", "spec", "restartPolicy")).toBe("Never");
  });

  it("has a merge Job over the shard folders on the same volume", () => {
    const merge = parse(read("examples/k8s/merge-job.yaml")) as Tree;
    const c = at(merge, "spec", "template", "spec", "containers", 0);
    expect((at(c, "args") as string[]).join(" ")).toMatch(/cadagent batch merge \/data\/results\/shard-\* .*-o /);
    expect(at(merge, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName")).toBe(
      at(pvc, "metadata", "name"),
    );
  });
});

describe("AWS Batch array job definition", () => {
  const def = JSON.parse(read("examples/aws/batch-job-definition.json")) as Tree;
  const cp = at(def, "containerProperties");

  it("runs --shard auto --resume with CADAGENT_SHARD_COUNT, a folder per array index, on a mounted volume", () => {
    expect(at(def, "type")).toBe("container");
    expect(at(cp, "image")).toMatch(/cadagent:/);
    const cmd = (at(cp, "command") as string[]).join(" ");
    expect(cmd).toMatch(/cadagent batch \S+ --shard auto --resume/);
    expect(cmd).toMatch(/shard-\$AWS_BATCH_JOB_ARRAY_INDEX/);
    const env = envOf(cp);
    const n = Number(env.CADAGENT_SHARD_COUNT);
    expect(n).toBeGreaterThan(1);
    expect(shardFromEnv({ ...env, AWS_BATCH_JOB_ARRAY_INDEX: "0" })).toMatchObject({ index: 1, count: n });
    expect(at(cp, "mountPoints", 0, "sourceVolume")).toBe(at(cp, "volumes", 0, "name"));
    expect(cmd).toContain(at(cp, "mountPoints", 0, "containerPath") as string);
    expect(at(def, "retryStrategy", "attempts")).toBeGreaterThanOrEqual(2);
  });

  it("documents the array size and the merge step", () => {
    const readme = read("examples/aws/README.md");
    expect(readme).toMatch(/--array-properties size=8/);
    expect(readme).toMatch(/--depends-on jobId=\$ARRAY/);
    expect(readme).toMatch(/cadagent batch merge/);
  });
});

describe("GitHub Actions workflow", () => {
  const wf = parse(read("examples/ci/github-actions.yml")) as Tree;
  const runs = (job: string): string[] =>
    ((at(wf, "jobs", job, "steps") as Tree[]) ?? []).map((s) => (typeof s.run === "string" ? s.run : ""));

  it("shards a matrix with --shard auto from CADAGENT_SHARD, and merges in a final job", () => {
    const shards = at(wf, "jobs", "build-parts", "strategy", "matrix", "shard") as number[];
    expect(shards.length).toBeGreaterThan(1);
    expect(at(wf, "jobs", "build-parts", "env", "CADAGENT_SHARD")).toBe(
      "${{ matrix.shard }}/${{ strategy.job-total }}",
    );
    for (const i of shards)
      expect(shardFromEnv({ CADAGENT_SHARD: `${i}/${shards.length}` })).toMatchObject({
        index: i,
        count: shards.length,
      });
    expect(runs("build-parts").join("\n")).toMatch(/cadagent batch \S+ \\\s+--shard auto/);
    expect(at(wf, "jobs", "merge", "needs")).toBe("build-parts");
    expect(at(wf, "jobs", "merge", "if")).toBe("always()");
    expect(runs("merge").join("\n")).toMatch(/cadagent batch merge .*-o /);
  });

  it("installs cadagent from the checkout as a packed tarball, and runs one record in the container image", () => {
    const install = runs("build-parts").find((r) => r.includes("npm install --global")) ?? "";
    expect(install).toMatch(/npm pack[\s\S]*npm install --global \.\/cadagent-\*\.tgz/);
    const container = runs("container").join("\n");
    expect(container).toMatch(/docker build -t cadagent \./);
    expect(container).toMatch(
      /docker run --rm .*-v "\$PWD:\/work" cadagent \\\s+build \/work\/examples\/l-bracket\.cad\.json/,
    );
  });
});

describe("the container recipe", () => {
  const lines = read("Dockerfile")
    .replace(/\\\n/g, " ")
    .split("\n")
    .filter((l) => l.trim() && !l.trimStart().startsWith("#"));
  const instr = (name: string): string[] =>
    lines.filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());

  it("builds on debian:trixie-slim with FreeCAD, Node and the DejaVu fonts from Debian, as a non-root user", () => {
    expect(instr("FROM").map((f) => f.split(" ")[0])).toEqual(["debian:trixie-slim", "debian:trixie-slim"]);
    const runs = instr("RUN").join("\n");
    expect(runs).toMatch(/apt-get install -y --no-install-recommends freecad-python3 nodejs fonts-dejavu-core/);
    expect(runs).toMatch(/npm pack --ignore-scripts .*npm install --global --prefix \/opt\/cadagent/);
    const user = instr("USER").at(-1);
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    const env = instr("ENV").join(" ");
    expect(env).toMatch(/HOME=\/tmp\b/);
    expect(env).toMatch(/FREECAD_USER_HOME=\/tmp\//);
    expect(instr("ENTRYPOINT")[0]).toMatch(/cadagent-entrypoint/);
  });

  it("copies only files that exist and that .dockerignore lets through; keys and host builds stay out", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const must of ["node_modules", "dist", ".git", "api_keys.json"]) expect(ignored).toContain(must);
    const sources = instr("COPY")
      .filter((c) => !c.startsWith("--from"))
      .flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const s of sources) {
      expect(existsSync(path.join(repoRoot, s)), s).toBe(true);
      expect(ignored, s).not.toContain(s.replace(/\/$/, ""));
    }
  });
});

describe("the image's entrypoint, written by the Dockerfile's own RUN line", () => {
  it("passes arguments to cadagent, and runs a shell or an absolute path as is", () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-entrypoint-"));
    try {
      const line = read("Dockerfile")
        .replace(/\\\n/g, " ")
        .split("\n")
        .find((l) => l.startsWith("RUN printf") && l.includes("cadagent-entrypoint"));
      expect(line).toBeDefined();
      const script = path.join(tmp, "cadagent-entrypoint");
      const run = (line ?? "").slice("RUN ".length).replaceAll("/usr/local/bin/cadagent-entrypoint", script);
      execFileSync("sh", ["-c", run]);
      writeFileSync(path.join(tmp, "cadagent"), '#!/bin/sh\necho "cadagent:$*"\n');
      chmodSync(path.join(tmp, "cadagent"), 0o755);
      const env = { PATH: `${tmp}:/usr/bin:/bin`, AWS_BATCH_JOB_ARRAY_INDEX: "3" };
      const entry = (...args: string[]): string => execFileSync(script, args, { env, encoding: "utf8" }).trim();
      expect(entry("build", "/work/part.cad.json", "-o", "/work/out")).toBe(
        "cadagent:build /work/part.cad.json -o /work/out",
      );
      expect(entry("a plate with four holes")).toBe("cadagent:a plate with four holes");
      expect(entry("sh", "-c", "echo shard-$AWS_BATCH_JOB_ARRAY_INDEX")).toBe("shard-3");
      expect(entry("/bin/echo", "direct")).toBe("direct");
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe("docs install what exists", () => {
  it("nothing in the README, examples or docs installs the unpublished npm name", () => {
    const files = ["README.md", ...listFiles("examples"), ...listFiles("docs")].filter((f) =>
      /\.(md|ya?ml|json|jsonl|sh)$/.test(f),
    );
    for (const f of files) expect(read(f), f).not.toMatch(/npm (install|i) (--global|-g) cadagent(?![-\w./])/);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f));
}
