import { defineConfig } from '@playwright/test'
import { findChromium } from './scripts/chromium'

const executablePath = process.env.CHROMIUM_PATH ?? findChromium()

export default defineConfig({
  testDir: './test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    // Debian's chromium or any local Chrome (`npm run test:e2e` installs one if none is found):
    // Playwright's own browser download is not possible on the build machines.
    launchOptions: executablePath ? { executablePath } : {},
    trace: 'retain-on-failure',
  },
})
