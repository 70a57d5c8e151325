import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { svelteTesting } from '@testing-library/svelte/vite'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/{main,gateway,preload,shared,scripts,packaging,fuzz}/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
          // electron-store must go through vitest (not native Node) so that vi.mock('electron') applies.
          server: { deps: { inline: ['electron-store'] } },
        },
      },
      {
        plugins: [svelte(), svelteTesting()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.ts'],
          setupFiles: ['test/renderer/setup.ts'],
        },
      },
    ],
  },
})
