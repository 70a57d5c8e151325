// Keys that would take the kiosk out of the parent's flow: reload, developer tools, zoom, close,
// print, find, new windows, fullscreen toggle. Swallowed in a packaged kiosk; a developer's build
// keeps reload and developer tools.

/** The parts of Electron's before-input-event Input this looks at. */
export interface KeyInput {
  type: string
  key: string
  control: boolean
  meta: boolean
  alt: boolean
  shift: boolean
}

const DEVELOPER_KEYS = new Set(['F5', 'F12'])
const ALWAYS_BLOCKED_KEYS = new Set(['F11', 'BrowserBack', 'BrowserForward', 'BrowserRefresh', 'BrowserHome', 'Print'])
/** With Ctrl (or Cmd): zoom, close, quit, print, find, save, open, new window/tab, view source, history. */
const BLOCKED_WITH_COMMAND = new Set(['+', '=', '-', '_', '0', 'w', 'q', 'p', 'f', 'g', 's', 'o', 'n', 't', 'u', 'h', 'j', 'l', 'd'])
const DEVELOPER_WITH_COMMAND = new Set(['r'])
const DEVELOPER_WITH_COMMAND_SHIFT = new Set(['i', 'j', 'c', 'r'])

export function isBlockedShortcut(input: KeyInput, isPackaged: boolean): boolean {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return false
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key
  const command = input.control || input.meta
  if (ALWAYS_BLOCKED_KEYS.has(key)) return true
  if (input.alt && key === 'F4') return true
  if (input.alt && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) return true
  if (DEVELOPER_KEYS.has(key)) return isPackaged
  if (command && input.shift && DEVELOPER_WITH_COMMAND_SHIFT.has(key)) return isPackaged
  if (command && DEVELOPER_WITH_COMMAND.has(key)) return isPackaged
  if (command && BLOCKED_WITH_COMMAND.has(key)) return true
  return false
}
