import { defineConfig } from "vitest/config";

// Only the browser and unit tests under test/ and src/; the build itself is not a test input.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    fileParallelism: false,
  },
});
