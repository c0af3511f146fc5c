// One lint configuration for every workspace. Type-aware: each file is checked with the tsconfig
// of its own workspace. Warnings fail the run (`--max-warnings 0` in every lint script).
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/vitest.config.ts", "**/src/gen/**", "**/node_modules/**", "proto-deps/**", "**/*.js", "**/*.mjs"],
  },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [importX.createNodeResolver()],
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      // Task functions are async by contract even when their body has nothing to await.
      "@typescript-eslint/require-await": "off",
      "import-x/no-cycle": "error",
      "import-x/no-relative-packages": "error",
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@skein/[^/]+/(src|dist)(/|$)",
              message: "Import another workspace through its package exports, never its src/ or dist/ files.",
            },
            {
              regex: "^(\\.\\./)+(packages|services)/",
              message: "Import another workspace by its package name, not by a relative path.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "**/test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-confusing-void-expression": "off",
    },
  },
);
