import { describe, expect, it } from "vitest";
import { explainKeychainError } from "../../../src/keys/keychain.js";
import { helperArgs, helperEnv, HELPER_MARKER } from "../../../src/keys/keychain-helper.js";

describe("explainKeychainError", () => {
  // The messages measured in notes/KEYCHAIN.md (code GenericFailure from @napi-rs/keyring).
  it.each([
    [
      "Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead",
      /no D-Bus session bus/,
    ],
    [
      "Platform failure: DBus error: Failed to connect to socket /nonexistent: No such file or directory",
      /no D-Bus session bus/,
    ],
    [
      "Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files",
      /no Secret Service on the session bus/,
    ],
    ["Couldn't access platform storage: Secret Service: no result found", /no usable default keyring/],
    ["Couldn't access platform storage: Secret Service: unlock prompt was dismissed", /keyring is locked/],
  ])("%s", (raw, expected) => {
    const reason = explainKeychainError(raw);
    expect(reason).toMatch(expected);
    expect(reason).not.toContain("\n");
  });

  it("passes unknown errors through, first line only", () => {
    expect(explainKeychainError("something odd\nstack trace")).toBe("something odd");
  });
});

describe("keychain helper process (keys never in argv, by design)", () => {
  it("takes no arguments, so no key can reach its argv; its argv is a constant", () => {
    expect(helperArgs.length).toBe(0);
    expect(helperArgs()).toEqual(helperArgs());
    expect(helperArgs()).toContain(HELPER_MARKER);
  });

  it("does not pass credentials or NODE_OPTIONS from the environment", () => {
    const env = helperEnv({
      PATH: "/usr/bin",
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/bus",
      XDG_RUNTIME_DIR: "/run/user/1",
      OPENAI_API_KEY: "sk-x",
      GOOGLE_API_KEY: "AIza",
      GITHUB_TOKEN: "ghp",
      NODE_OPTIONS: "--require evil.js",
    });
    expect(env).toEqual({
      PATH: "/usr/bin",
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/bus",
      XDG_RUNTIME_DIR: "/run/user/1",
    });
  });
});
