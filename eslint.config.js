// Lint: typescript-eslint's recommended type-checked rules over src/ and tests/ (the layer
// order of imports is checked by dependency-cruiser, see .dependency-cruiser.cjs).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "bench/**",
      "scripts/**",
      "examples/**",
      "**/*.mjs",
      "**/*.cjs",
      "eslint.config.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ["./tsconfig.test.json"], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Test doubles implement async interfaces without awaiting anything.
    files: ["tests/**/*.ts"],
    rules: { "@typescript-eslint/require-await": "off" },
  },
);
