// ESLint for the UI: the recommended JavaScript and TypeScript rules and React's hooks rules
// (the Rules of React). `npm run lint` allows no warnings; Prettier owns the formatting.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores(["dist/", "e2e/artifacts/", ".vitest/"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["src/**/*.{ts,tsx}"],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  { files: ["*.config.{js,ts}", "scripts/**/*.mjs"], languageOptions: { globals: globals.node } },
  // The end-to-end run is Node, and the functions it hands to `page.evaluate` run in the page.
  { files: ["e2e/**/*.mjs"], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    rules: {
      // `_` names what is dropped on purpose (`const { calibration: _, ...rest } = config`).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
]);
