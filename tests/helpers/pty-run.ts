import { spawn } from "node:child_process";

/**
 * Runs a command under a pseudo-terminal (python3's pty module: no native Node addon) and
 * answers prompts: each time the output shows `prompt` once more, the next answer is typed.
 * Output of the terminal (stdout and stderr together, as a person sees it) comes back.
 */

const DRIVER = String.raw`
import json, os, select, subprocess, sys
spec = json.loads(sys.argv[1])
master, slave = os.openpty()
p = subprocess.Popen(spec["argv"], stdin=slave, stdout=slave, stderr=slave, env=spec["env"], cwd=spec["cwd"], close_fds=True)
os.close(slave)
out = b""
answers = list(spec["answers"])
seen = 0
while True:
    r, _, _ = select.select([master], [], [], 0.2)
    if r:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            break
        out += chunk
        n = out.count(spec["prompt"].encode())
        while seen < n and answers:
            seen += 1
            os.write(master, (answers.pop(0) + "\n").encode())
    elif p.poll() is not None:
        break
code = p.wait()
sys.stdout.write(json.dumps({"code": code, "output": out.decode("utf-8", "replace")}))
`;

export interface PtyResult {
  code: number;
  output: string;
}

export function runInPty(o: {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  prompt: string;
  answers: string[];
}): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", DRIVER, JSON.stringify(o)], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("error", reject);
    child.on("close", () => {
      try {
        resolve(JSON.parse(stdout) as PtyResult);
      } catch {
        reject(new Error(`pty driver failed: ${stdout}`));
      }
    });
  });
}
