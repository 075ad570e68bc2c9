import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src`, import.meta.url));

// Tests import the packages by their public names; point those at the sources so a test
// run never depends on a stale build. Child-process tests use the built dist instead.
const alias = [
  { find: /^@faultline\/core\/testing$/, replacement: `${pkg('core')}/testing/index.ts` },
  { find: /^@faultline\/core\/protocol$/, replacement: `${pkg('core')}/protocol.ts` },
  { find: /^@faultline\/core\/front$/, replacement: `${pkg('core')}/front.ts` },
  { find: /^@faultline\/core\/setup$/, replacement: `${pkg('core')}/setup.ts` },
  { find: /^@faultline\/core\/pseudonymize$/, replacement: `${pkg('core')}/pseudonymize-integration.ts` },
  { find: /^@faultline\/node\/dev-receiver$/, replacement: `${pkg('node')}/dev/index.ts` },
  { find: /^@faultline\/(core|node|browser|cron|openwhisk)$/, replacement: `${pkg('$1')}/index.ts` },
];

const project = (name: string, extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: {
    name,
    include: [`packages/${name}/src/**/*.test.ts`, `packages/${name}/test/**/*.test.ts`],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    ...extra,
  },
});

export default defineConfig({
  test: {
    projects: [
      project('core'),
      project('node'),
      project('browser'),
      project('cron'),
      project('openwhisk'),
      {
        resolve: { alias },
        test: {
          name: 'examples',
          include: ['examples/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
