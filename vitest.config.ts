import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["scripts/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/build-cli.ts"],
    testTimeout: 30_000,
  },
});
