// @ts-check
import js from '@eslint/js'
import globals from 'globals'
import svelte from 'eslint-plugin-svelte'
import tseslint from 'typescript-eslint'

/**
 * Process boundaries. Each process may import only what runs where it runs:
 * - the renderer: browser code, Svelte and src/shared (never main, preload, electron or Node);
 * - the preload: electron (its sandboxed subset) and src/shared;
 * - main: Node, electron and src/shared (never the renderer or preload);
 * - shared: nothing process-specific at all;
 * - the gateway (a server): Node and main's Electron-free modules, never Electron or the kiosk shell.
 */
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'tls', 'child_process', 'url']
const restrict = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
})

/** src/main/settings is a leaf: `outside` matches a relative import that leaves it for anything but src/shared. */
const settingsLeaf = (outside) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: ['**/renderer/**', '**/preload/**', '**/gateway/**'], message: 'Main may not import renderer, preload or gateway code.' },
        {
          regex: outside,
          message:
            'src/main/settings is a leaf: it may import only its own modules and src/shared; the features (bankid, ' +
            'handoff, staff, health…) read the settings, never the other way round.',
        },
      ],
    },
  ],
})

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'docs/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The Electron stand-in for the boot test is CommonJS on purpose (dependencies require it).
    files: ['**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src/renderer/**/*', 'test/renderer/**/*'],
    // Reads the renderer's sources from disk to find unused message keys: a Node-side test.
    ignores: ['test/renderer/i18n.test.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      ['**/main/**', '**/preload/**', 'electron', 'electron-store', ...nodeBuiltins],
      'The renderer is a sandboxed web page: it may import only browser code and src/shared.',
    ),
  },
  {
    files: ['src/preload/**/*'],
    rules: restrict(
      ['**/main/**', '**/renderer/**', 'electron-store', ...nodeBuiltins],
      'The preload is sandboxed: it may import only electron and src/shared.',
    ),
  },
  {
    files: ['src/main/**/*'],
    rules: restrict(['**/renderer/**', '**/preload/**', '**/gateway/**'], 'Main may not import renderer, preload or gateway code.'),
  },
  {
    // The settings are a leaf that the features read: they know no feature (bankid, handoff, staff,
    // health, session…), only src/shared. A feature's own files (its credentials) load beside it, and
    // src/main/load-settings.ts composes the two.
    files: ['src/main/settings/*'],
    rules: settingsLeaf('^\\.\\./(?!\\.\\./shared/)'),
  },
  {
    // The same, one folder down (the schema's sections): "../" is still the settings, "../../" is not.
    files: ['src/main/settings/*/**/*'],
    rules: settingsLeaf('^\\.\\./\\.\\./(?!\\.\\./shared/)'),
  },
  {
    // The gateway is a server: it shares main's Electron-free modules, never Electron or the kiosk's shell.
    files: ['src/gateway/**/*'],
    rules: restrict(
      ['**/renderer/**', '**/preload/**', 'electron', 'electron-store', 'electron-updater', '**/main/shell/**', '**/main/index', '**/main/runtime'],
      'The gateway runs without Electron: it may import only Node and main\'s Electron-free modules.',
    ),
  },
  {
    files: ['src/shared/**/*'],
    rules: restrict(
      ['**/main/**', '**/renderer/**', '**/preload/**', 'electron', 'electron-store', ...nodeBuiltins],
      'src/shared is the contract between processes: plain TypeScript, no process-specific imports.',
    ),
  },
)
