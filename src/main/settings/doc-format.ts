// Markdown and JSON as the settings references write them: JSON the way a settings file is
// written, and a JSON Schema node's type and range in words.
import type { JsonNode } from './doc-schema'

const WIDTH = 90

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** JSON on one line, with spaces as people write it: { "a": [1, 2] }. */
export function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`
  if (isRecord(value)) {
    const members = Object.entries(value).map(([name, member]) => `${JSON.stringify(name)}: ${inlineJson(member)}`)
    return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`
  }
  return JSON.stringify(value)
}

/** JSON as a settings file: the top level one key a line, anything shorter than a line on one. */
export function fileJson(value: unknown, indent = '', used = 0, top = true): string {
  const flat = inlineJson(value)
  const fits = indent.length + used + flat.length + 1 <= WIDTH
  if (typeof value !== 'object' || value === null || (fits && !top)) return flat
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    return `[\n${value.map((item) => inner + fileJson(item, inner, 0, false)).join(',\n')}\n${indent}]`
  }
  const members = Object.entries(value).map(([name, member]) => {
    const label = `${JSON.stringify(name)}: `
    return inner + label + fileJson(member, inner, label.length, false)
  })
  return `{\n${members.join(',\n')}\n${indent}}`
}

export const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``)
export const codeJson = (value: unknown) => code(inlineJson(value))

/** a, b or c */
export const listed = (items: readonly string[], last = 'or') =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`

/** "a", "b" or "c", each as code. */
const codeList = (values: readonly unknown[]) => listed(values.map(codeJson))

/** "from 1 to 60", "at least 1", or "" when unbounded; with a unit when given (["entry", "entries"]). */
function range(min: number | undefined, max: number | undefined, unit?: readonly [string, string]): string {
  const counted = (text: string, last: number) =>
    unit === undefined ? text : `${text} ${last === 1 ? unit[0] : unit[1]}`
  if (min !== undefined && max !== undefined) {
    return counted(min === max ? `exactly ${min}` : `from ${min} to ${max}`, max)
  }
  if (min !== undefined) return counted(`at least ${min}`, min)
  if (max !== undefined) return counted(`at most ${max}`, max)
  return ''
}

const joined = (...parts: string[]) => parts.filter((part) => part !== '').join(' ')

/** A JSON Schema node's type and what it allows, in words: "whole number from 15 to 600". */
export function typeText(node: JsonNode): string {
  if (node.enum !== undefined) return `one of ${codeList(node.enum)}`
  switch (node.type) {
    case 'integer':
      return joined('whole number', range(node.minimum, node.maximum))
    case 'number':
      return joined('number', range(node.minimum, node.maximum), '(decimals allowed)')
    case 'boolean':
      return '`true` or `false`'
    case 'string':
      return joined(
        'text',
        range(node.minLength, node.maxLength, ['character', 'characters']).replace(/^from /, 'of '),
        node.pattern === undefined ? '' : `matching ${code(node.pattern)}`,
      )
    case 'array': {
      const count = range(node.minItems, node.maxItems, ['entry', 'entries']).replace(/^from /, '')
      const items = node.items === undefined ? '' : `, each ${typeText(node.items)}`
      return `list [ ] of ${count === '' ? 'entries' : count}${items}`
    }
    case 'object':
      return `group { } of ${listed(Object.keys(node.properties ?? {}).map(code), 'and')}`
    default:
      return node.type ?? 'any value'
  }
}

/** GitHub's heading anchors. */
export const anchor = (heading: string) =>
  `#${heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')}`

export const paragraph = (text: string) => text.replace(/\s+/g, ' ').trim()
