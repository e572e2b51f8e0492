import { describe, expect, it } from "vitest";
import { cadagentCacheDir, cadagentHome, defaultApiKeysFile, expandHome } from "../../../src/config/paths.js";
import { rmSync } from "node:fs";
import path from "node:path";
import { workerEnv } from "../../../src/cad/worker-env.js";

describe("cadagentHome", () => {
  it("CADAGENT_HOME wins (with ~ expanded)", () => {
    expect(cadagentHome({ CADAGENT_HOME: "/srv/cad", XDG_CONFIG_HOME: "/x" }, "linux")).toBe("/srv/cad");
    expect(cadagentHome({ CADAGENT_HOME: "~/cad", HOME: "/home/u" }, "linux")).toBe("/home/u/cad");
  });

  it("Linux: XDG_CONFIG_HOME, else ~/.config; a relative XDG_CONFIG_HOME is ignored (XDG spec)", () => {
    expect(cadagentHome({ XDG_CONFIG_HOME: "/cfg", HOME: "/home/u" }, "linux")).toBe("/cfg/cadagent");
    expect(cadagentHome({ HOME: "/home/u" }, "linux")).toBe("/home/u/.config/cadagent");
    expect(cadagentHome({ XDG_CONFIG_HOME: "rel", HOME: "/home/u" }, "linux")).toBe("/home/u/.config/cadagent");
  });

  it("macOS: ~/Library/Application Support/cadagent", () => {
    expect(cadagentHome({ HOME: "/Users/u", XDG_CONFIG_HOME: "/ignored" }, "darwin")).toBe(
      "/Users/u/Library/Application Support/cadagent",
    );
  });

  it("Windows: %APPDATA%\\cadagent", () => {
    expect(cadagentHome({ APPDATA: "C:\\Users\\u\\AppData\\Roaming", USERPROFILE: "C:\\Users\\u" }, "win32")).toBe(
      "C:\\Users\\u\\AppData\\Roaming\\cadagent",
    );
    expect(cadagentHome({ USERPROFILE: "C:\\Users\\u" }, "win32")).toBe("C:\\Users\\u\\AppData\\Roaming\\cadagent");
  });

  it("api_keys.json lives in it by default", () => {
    expect(defaultApiKeysFile({ CADAGENT_HOME: "/srv/cad" })).toBe("/srv/cad/api_keys.json");
  });

  it("expandHome only touches a leading ~", () => {
    expect(expandHome("~", { HOME: "/h" }, "linux")).toBe("/h");
    expect(expandHome("a/~/b", { HOME: "/h" }, "linux")).toBe("a/~/b");
  });
});

describe("cadagentCacheDir", () => {
  it("follows each platform's cache folder (a relative XDG_CACHE_HOME is ignored)", () => {
    expect(cadagentCacheDir({ XDG_CACHE_HOME: "/c", HOME: "/home/u" }, "linux")).toBe("/c/cadagent");
    expect(cadagentCacheDir({ XDG_CACHE_HOME: "rel", HOME: "/home/u" }, "linux")).toBe("/home/u/.cache/cadagent");
    expect(cadagentCacheDir({ HOME: "/Users/u" }, "darwin")).toBe("/Users/u/Library/Caches/cadagent");
    expect(cadagentCacheDir({ LOCALAPPDATA: "C:\\L", USERPROFILE: "C:\\Users\\u" }, "win32")).toBe(
      "C:\\L\\cadagent\\cache",
    );
  });

  it("the FreeCAD worker compiles its Python there, not into the install folder, and never on every start", () => {
    const user = { HOME: "/home/u", XDG_CACHE_HOME: "/var/cache/u", PATH: "/usr/bin" };
    const { env, home } = workerEnv(user);
    try {
      expect(env.PYTHONPYCACHEPREFIX).toBe(path.join(cadagentCacheDir(user), "pycache"));
      if (process.platform === "linux") expect(env.PYTHONPYCACHEPREFIX).toBe("/var/cache/u/cadagent/pycache");
      expect(env.PYTHONDONTWRITEBYTECODE).toBeUndefined();
      // The worker's own HOME is its private temp folder: the cache path comes from the user's.
      expect(env.HOME).toBe(home);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
