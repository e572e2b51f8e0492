import { JobFileError } from "./jobs.js";

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parse `--shard i/n` (1-based). */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count)
    throw new JobFileError(`--shard must be i/n with 1 ≤ i ≤ n, or auto (got '${spec}')`);
  return { index, count };
}

/**
 * The jobs of shard i of n, in jobs-file order. Jobs are sorted by a hash of their id (FNV-1a,
 * ties by id) and dealt round-robin, so shard sizes differ by at most one, and the split depends
 * only on the set of ids: the same on every machine, whatever the order of the lines.
 */
export function shardJobs<J extends { id: string }>(jobs: readonly J[], shard: Shard): J[] {
  const dealt = jobs
    .map((j) => ({ id: j.id, h: fnv1a(j.id) }))
    .sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mine = new Set<string>();
  dealt.forEach((d, k) => {
    if (k % shard.count === shard.index - 1) mine.add(d.id);
  });
  return jobs.filter((j) => mine.has(j.id));
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A convention `--shard auto` understands: an index variable (0- or 1-based) and a count variable. */
interface Convention {
  name: string;
  index: string;
  count: string;
  base: 0 | 1;
}

/** CLI.md "Additions (second round)": the orchestrators' own variables, CADAGENT_SHARD first. */
const CONVENTIONS: readonly Convention[] = [
  { name: "Kubernetes Indexed Job", index: "JOB_COMPLETION_INDEX", count: "CADAGENT_SHARD_COUNT", base: 0 },
  { name: "AWS Batch array job", index: "AWS_BATCH_JOB_ARRAY_INDEX", count: "CADAGENT_SHARD_COUNT", base: 0 },
  { name: "GitLab parallel job", index: "CI_NODE_INDEX", count: "CI_NODE_TOTAL", base: 1 },
  { name: "CircleCI parallelism", index: "CIRCLE_NODE_INDEX", count: "CIRCLE_NODE_TOTAL", base: 0 },
];

/** Every variable `--shard auto` reads, for messages. */
export const SHARD_ENV_VARS = [
  "CADAGENT_SHARD",
  ...new Set(CONVENTIONS.flatMap((c) => [c.index, c.count])),
] as const satisfies readonly string[];

const wholeNumber = (v: string): number => (/^\s*\d+\s*$/.test(v) ? Number(v) : NaN);

/** The shard `--shard auto` resolved, and the variables it came from (`JOB_COMPLETION_INDEX=2, …`). */
export interface AutoShard extends Shard {
  from: string;
}

/**
 * `--shard auto`: the shard from the environment. Every convention whose index variable is set is
 * read; they must agree. Missing, malformed, out-of-range or contradictory values throw a
 * JobFileError (exit 2) that lists what was found.
 */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>): AutoShard {
  const get = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const found = SHARD_ENV_VARS.filter((k) => get(k) !== undefined).map((k) => `${k}=${get(k)}`);
  const fail: (why: string) => never = (why) => {
    throw new JobFileError(
      `--shard auto: ${why}; found ${found.length ? found.join(", ") : "none of the variables"} ` +
        `(it reads CADAGENT_SHARD=i/n; JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX (0-based) with ` +
        `CADAGENT_SHARD_COUNT; CI_NODE_INDEX/CI_NODE_TOTAL (GitLab, 1-based); CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL (CircleCI, 0-based))`,
    );
  };

  const candidates: AutoShard[] = [];
  const explicit = get("CADAGENT_SHARD");
  if (explicit !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(explicit);
    const index = m ? Number(m[1]) : NaN;
    const count = m ? Number(m[2]) : NaN;
    if (!m || count < 1 || index < 1 || index > count)
      fail(`CADAGENT_SHARD must be i/n with 1 ≤ i ≤ n (got '${explicit}')`);
    candidates.push({ index, count, from: `CADAGENT_SHARD=${explicit}` });
  }
  for (const c of CONVENTIONS) {
    const rawIndex = get(c.index);
    if (rawIndex === undefined) continue;
    const rawCount = get(c.count);
    if (rawCount === undefined) fail(`${c.index} is set (${c.name}) but ${c.count} is not`);
    const i = wholeNumber(rawIndex);
    const count = wholeNumber(rawCount);
    if (!Number.isInteger(count) || count < 1) fail(`${c.count} must be a whole number ≥ 1 (got '${rawCount}')`);
    if (!Number.isInteger(i) || i < c.base || i > count - 1 + c.base)
      fail(
        `${c.index} must be a whole number from ${c.base} to ${count - 1 + c.base} (${c.base}-based, ${c.count}=${count}; got '${rawIndex}')`,
      );
    candidates.push({ index: i - c.base + 1, count, from: `${c.index}=${rawIndex}, ${c.count}=${rawCount}` });
  }
  const shardCount = get("CADAGENT_SHARD_COUNT");
  if (shardCount !== undefined && !candidates.some((c) => c.from.includes("CADAGENT_SHARD_COUNT"))) {
    const n = wholeNumber(shardCount);
    if (explicit === undefined)
      fail("CADAGENT_SHARD_COUNT is set but neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX is");
    if (n !== candidates[0]?.count) fail(`CADAGENT_SHARD=${explicit} contradicts CADAGENT_SHARD_COUNT=${shardCount}`);
  }
  const first = candidates[0];
  if (!first) fail("no shard in the environment");
  const other = candidates.find((c) => c.index !== first.index || c.count !== first.count);
  if (other)
    fail(
      `contradictory values: ${first.from} means shard ${first.index}/${first.count}, ${other.from} means ${other.index}/${other.count}`,
    );
  return first;
}
