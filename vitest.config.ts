import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // libp2p 3 needs Promise.withResolvers, which Node 20 lacks
    setupFiles: ['src/polyfill.ts'],
    // integration tests spawn the bundled CLI: build it once, from the current sources
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // two cores: more workers only make the multi-process tests fight for CPU
    maxWorkers: 2,
  },
})
