import { describe, expect, it } from "vitest";
import { cadagentHome, defaultApiKeysFile, expandHome } from "../../../src/config/paths.js";

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
