import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A private D-Bus session with a real Secret Service (gnome-keyring), for tests of the OS
 * keychain on headless Linux (notes/KEYCHAIN.md). The session lives until close(): give
 * `env` to any process that should use it (the CLI, secret-tool, resolveKey's env option).
 *
 * Needs: dbus (dbus-run-session), gnome-keyring, libsecret-tools (secret-tool). Nothing here
 * touches the user's own session: fresh XDG_DATA_HOME / XDG_RUNTIME_DIR (mode 700) each time.
 *
 * States:
 * - "unlocked": a login keyring created and unlocked with a password (the working case)
 * - "locked": the keyring exists on disk, holding a key for account `openai` (LOCKED_OPENAI_KEY),
 *   but this session never unlocked it (the unlock prompt fails headless)
 * - "never-unlocked": the daemon runs, but no keyring was ever created or unlocked
 * - "absent": a bus with no Secret Service provider at all (no .service files)
 */
export type SecretServiceState = "unlocked" | "locked" | "never-unlocked" | "absent";

export interface SessionBus {
  /** Environment to add to a child process so it talks to this session's bus. */
  env: { DBUS_SESSION_BUS_ADDRESS: string };
  /** Folder holding the session's data (keyrings) and runtime dir; removed by close(). */
  dir: string;
  close(): Promise<void>;
}

const KEYRING_PASSWORD = "cadagent-test-keyring";

/** The key stored for `openai` in a "locked" session's keyring (readable only after an unlock). */
export const LOCKED_OPENAI_KEY = "sk-locked-0123456789abcdefLOCK";

/** True when the tools this helper needs are installed (scripts/setup --test installs them). */
export function secretServiceToolsInstalled(): boolean {
  return ["dbus-run-session", "gnome-keyring-daemon", "secret-tool"].every(
    (c) => spawnSync("sh", ["-c", `command -v ${c}`]).status === 0,
  );
}

// A session bus config with no service directories, so nothing can be D-Bus-activated:
// asking for org.freedesktop.secrets fails the way it does on a machine without a keyring.
const BARE_BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

// Runs inside the session; prints the bus address, then holds the session open until stdin closes.
const SESSION_SCRIPT = `
case "$STATE" in
  unlocked) printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null ;;
  locked|never-unlocked) gnome-keyring-daemon --start --components=secrets >/dev/null ;;
esac
echo "CADAGENT_TEST_BUS=$DBUS_SESSION_BUS_ADDRESS"
exec cat >/dev/null
`;

function sessionEnv(dir: string, state: SecretServiceState): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    XDG_DATA_HOME: path.join(dir, "data"),
    XDG_RUNTIME_DIR: path.join(dir, "run"),
    KEYRING_PASSWORD,
    STATE: state,
  };
}

/**
 * Stop the gnome-keyring daemons of this session. `--unlock` daemonizes and outlives its bus
 * (measured: still running after dbus-run-session ended), and a survivor is "discovered" by
 * the next daemon on the same runtime dir, which then stalls every call for 2 s. Ours are the
 * ones whose XDG_RUNTIME_DIR is our private folder.
 */
async function stopKeyringDaemons(dir: string): Promise<void> {
  const marker = `XDG_RUNTIME_DIR=${path.join(dir, "run")}\0`;
  const ours = (): number[] =>
    readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const state = /\) (\S)/.exec(readFileSync(`/proc/${p}/stat`, "utf8"))?.[1];
          return (
            state !== "Z" &&
            readFileSync(`/proc/${p}/comm`, "utf8").startsWith("gnome-keyring") &&
            readFileSync(`/proc/${p}/environ`, "latin1").includes(marker)
          );
        } catch {
          return false; // gone meanwhile, or not ours to read
        }
      })
      .map(Number);
  for (const pid of ours()) process.kill(pid, "SIGTERM");
  for (let i = 0; i < 40 && ours().length; i++) await new Promise((r) => setTimeout(r, 50));
  for (const pid of ours()) process.kill(pid, "SIGKILL");
}

/** Create the login keyring with one stored key in a throwaway session, so a later session finds it locked. */
async function createLockedKeyring(dir: string): Promise<void> {
  const script =
    'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && printf %s "$STORED" | secret-tool store --label=cadagent-test service cadagent username openai';
  const r = spawnSync("dbus-run-session", ["--", "sh", "-c", script], {
    env: { ...sessionEnv(dir, "unlocked"), STORED: LOCKED_OPENAI_KEY },
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 20_000,
  });
  await stopKeyringDaemons(dir);
  if (r.status !== 0) throw new Error(`could not create a keyring: ${r.stderr?.toString() ?? r.error?.message ?? ""}`);
}

/** Start a session bus in the given state; resolves once it is usable. */
export async function startSessionBus(state: SecretServiceState = "unlocked"): Promise<SessionBus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-dbus-"));
  for (const d of ["data", "run"]) {
    mkdirSync(path.join(dir, d));
    chmodSync(path.join(dir, d), 0o700);
  }
  if (state === "locked") await createLockedKeyring(dir);
  const args: string[] = [];
  if (state === "absent") {
    const conf = path.join(dir, "bare-session.conf");
    writeFileSync(conf, BARE_BUS_CONFIG);
    args.push(`--config-file=${conf}`);
  }
  const child: ChildProcess = spawn("dbus-run-session", [...args, "--", "sh", "-c", SESSION_SCRIPT], {
    env: sessionEnv(dir, state),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const address = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`session bus did not start within 20 s: ${stderr}`)), 20_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /CADAGENT_TEST_BUS=(\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`dbus-run-session exited (${code}) before the bus was ready: ${stderr}`));
    });
  });

  return {
    env: { DBUS_SESSION_BUS_ADDRESS: address },
    dir,
    async close() {
      // Closing stdin ends `cat`, so dbus-run-session stops its dbus-daemon; gnome-keyring
      // exits when its bus goes away.
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
      await stopKeyringDaemons(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
