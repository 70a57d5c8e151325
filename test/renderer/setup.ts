import '@testing-library/jest-dom/vitest'

// jsdom has no layout, so no ResizeObserver: one that never reports (sizes never change here).
// The "more below" cue it serves is tested in real Chromium (test/e2e/faq-guide.spec.ts).
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
}
