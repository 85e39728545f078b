import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` (every suite but the cluster's) and `cluster`, whose
 * global setup starts etcd, kube-apiserver and the CRDs once for its suites
 * (built by tools/cluster-tools.sh). `npm test` runs both; `npm run
 * test:cluster` runs the cluster project alone, Flux's controllers applying
 * merges among its suites.
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["scripts/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/cluster/**/*.cluster.test.ts", "**/node_modules/**"],
          globalSetup: ["test/support/build-cli.ts"],
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "cluster",
          include: ["test/cluster/**/*.cluster.test.ts"],
          globalSetup: ["test/cluster/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // after the unit project: the API servers and controllers do not compete with it for CPU
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
