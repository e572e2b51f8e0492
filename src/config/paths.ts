import os from "node:os";
import path from "node:path";

/** File names inside CADAGENT_HOME and the project folder. */
export const USER_CONFIG_FILE = "config.json";
export const PROJECT_CONFIG_FILE = "cadagent.config.json";
export const API_KEYS_FILE = "api_keys.json";

/** The home folder, from the environment first so tests and sandboxes can move it. */
export function homeDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = platform === "win32" ? (env.USERPROFILE ?? env.HOME) : env.HOME;
  return fromEnv && fromEnv.length > 0 ? fromEnv : os.homedir();
}

/**
 * cadagent's config folder: `CADAGENT_HOME`, else the platform's config dir
 * (XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on macOS, %APPDATA% on Windows).
 */
export function cadagentHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const explicit = env.CADAGENT_HOME;
  if (explicit) return path.resolve(expandHome(explicit, env, platform));
  const home = homeDir(env, platform);
  if (platform === "win32")
    return path.win32.join(env.APPDATA ?? path.win32.join(home, "AppData", "Roaming"), "cadagent");
  if (platform === "darwin") return path.posix.join(home, "Library", "Application Support", "cadagent");
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return path.posix.join(xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, ".config"), "cadagent");
}

/**
 * cadagent's cache folder (things that only save time and may be deleted at any moment):
 * XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows.
 */
export function cadagentCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const home = homeDir(env, platform);
  if (platform === "win32")
    return path.win32.join(env.LOCALAPPDATA ?? path.win32.join(home, "AppData", "Local"), "cadagent", "cache");
  if (platform === "darwin") return path.posix.join(home, "Library", "Caches", "cadagent");
  const xdg = env.XDG_CACHE_HOME;
  return path.posix.join(xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, ".cache"), "cadagent");
}

/** `~` and `~/x` mean the home folder (shells expand them, JSON files and env vars do not). */
export function expandHome(
  p: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (p === "~") return homeDir(env, platform);
  if (p.startsWith("~/") || (platform === "win32" && p.startsWith("~\\")))
    return path.join(homeDir(env, platform), p.slice(2));
  return p;
}

/** The default api_keys.json (in CADAGENT_HOME). */
export function defaultApiKeysFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cadagentHome(env), API_KEYS_FILE);
}
