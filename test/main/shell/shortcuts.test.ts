import { describe, expect, it } from 'vitest'
import type { KeyInput } from '../../../src/main/shell/shortcuts'
import { isBlockedShortcut } from '../../../src/main/shell/shortcuts'

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  type: 'keyDown',
  key: k,
  control: false,
  meta: false,
  alt: false,
  shift: false,
  ...mods,
})

describe('isBlockedShortcut in a packaged kiosk', () => {
  it.each<[string, KeyInput]>([
    ['reload', key('r', { control: true })],
    ['hard reload', key('R', { control: true, shift: true })],
    ['F5', key('F5')],
    ['developer tools', key('I', { control: true, shift: true })],
    ['developer tools (mac)', key('i', { meta: true, shift: true })],
    ['F12', key('F12')],
    ['zoom in', key('+', { control: true })],
    ['zoom in (=)', key('=', { control: true })],
    ['zoom out', key('-', { control: true })],
    ['zoom reset', key('0', { control: true })],
    ['close window', key('w', { control: true })],
    ['quit', key('q', { meta: true })],
    ['Alt+F4', key('F4', { alt: true })],
    ['print', key('p', { control: true })],
    ['find', key('f', { control: true })],
    ['new window', key('n', { control: true })],
    ['fullscreen toggle', key('F11')],
    ['history back', key('ArrowLeft', { alt: true })],
    ['browser back key', key('BrowserBack')],
  ])('blocks %s', (_name, input) => {
    expect(isBlockedShortcut(input, true)).toBe(true)
  })

  it.each<[string, KeyInput]>([
    ['a digit', key('5')],
    ['Backspace', key('Backspace')],
    ['Enter', key('Enter')],
    ['Tab', key('Tab')],
    ['Shift+Tab', key('Tab', { shift: true })],
    ['Escape', key('Escape')],
    ['a key release', { ...key('r', { control: true }), type: 'keyUp' }],
  ])('lets %s through', (_name, input) => {
    expect(isBlockedShortcut(input, true)).toBe(false)
  })
})

describe("in a developer's build", () => {
  it('keeps reload and developer tools, still blocks zoom and close', () => {
    expect(isBlockedShortcut(key('r', { control: true }), false)).toBe(false)
    expect(isBlockedShortcut(key('F12'), false)).toBe(false)
    expect(isBlockedShortcut(key('I', { control: true, shift: true }), false)).toBe(false)
    expect(isBlockedShortcut(key('+', { control: true }), false)).toBe(true)
    expect(isBlockedShortcut(key('w', { control: true }), false)).toBe(true)
  })
})
