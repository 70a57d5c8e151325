// The settings reference's view of a zod schema (the kiosk's, or the gateway's): every setting an
// administrator can write, found by walking the schema, with what is registered on it where it is
// declared (its `.meta()` description and examples, and documented.ts's section docs and rules),
// and zod's JSON Schema for types, ranges and defaults.
import { z } from 'zod'
import { sectionDocs, settingRules } from './documented'
import type { SectionDoc, SettingRule } from './documented'
import { settingsSchema } from './schema'

/** Thrown when the page cannot be made truthfully: the message says what to fix. */
export class SettingsDocError extends Error {
  override name = 'SettingsDocError'
}

// ---- walking the schema ----

type AnySchema = z.core.$ZodType

/** The parts of a zod 4 definition the walk looks at. */
interface WalkedDef {
  type: string
  innerType?: AnySchema
  in?: AnySchema
  out?: AnySchema
  shape?: Record<string, AnySchema>
}

const defOf = (schema: AnySchema): WalkedDef => schema._zod.def as unknown as WalkedDef

/** Wrappers that change when a value is needed or what it defaults to, never its shape. */
const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'nonoptional', 'readonly', 'catch'])

/**
 * A field's schemas, outermost first, down to its core (object, string, array…): through defaults,
 * optionals and the like, and through pipes to the input side (a `.transform()` is a pipe whose
 * input is the schema the admin writes to; a `z.preprocess()` one whose output is).
 */
function layers(schema: AnySchema): AnySchema[] {
  const found: AnySchema[] = []
  for (let current: AnySchema | undefined = schema; current !== undefined; ) {
    found.push(current)
    const def = defOf(current)
    if (WRAPPERS.has(def.type)) current = def.innerType
    else if (def.type === 'pipe') current = def.in && defOf(def.in).type !== 'transform' ? def.in : def.out
    else current = undefined
  }
  return found
}

const coreOf = (schema: AnySchema): AnySchema => layers(schema).at(-1) ?? schema

function shapeOf(schema: AnySchema): Record<string, AnySchema> | null {
  const def = defOf(coreOf(schema))
  return def.type === 'object' && def.shape !== undefined ? def.shape : null
}

export interface SettingEntry {
  /** As written in the settings file and in the kiosk's messages, e.g. "timing.idleSeconds". */
  key: string
  path: readonly string[]
  /** The top-level key it belongs to. */
  section: string
  /** A group holds settings of its own (e.g. "bankid.certificate"); a leaf holds a value. */
  kind: 'group' | 'leaf'
  /** The field as declared, wrappers and all. */
  schema: AnySchema
  description: string | undefined
  examples: readonly unknown[]
  /** Rules the JSON Schema cannot show, registered where the setting is declared (documented.ts). */
  rules: readonly SettingRule[]
}

/** The first description and examples found on the field's layers, outermost first. */
function metaOf(schema: AnySchema): { description: string | undefined; examples: readonly unknown[]; rules: readonly SettingRule[] } {
  let description: string | undefined
  let examples: readonly unknown[] | undefined
  for (const layer of layers(schema)) {
    const meta = z.globalRegistry.get(layer)
    if (meta === undefined) continue
    if (description === undefined && typeof meta.description === 'string' && meta.description.trim() !== '') {
      description = meta.description
    }
    if (examples === undefined && Array.isArray(meta.examples)) examples = meta.examples as unknown[]
  }
  const rules = layers(schema).flatMap((layer) => settingRules.get(layer)?.rules ?? [])
  return { description, examples: examples ?? [], rules }
}

/** A section's title and introduction, from the first of its layers that has them. */
function sectionDocOf(schema: AnySchema): SectionDoc | undefined {
  for (const layer of layers(schema)) {
    const doc = sectionDocs.get(layer)
    if (doc !== undefined) return doc
  }
  return undefined
}

/** Every top-level section in the schema's order, with its title and introduction. */
export function sectionDocEntries(schema: AnySchema = settingsSchema): { section: string; doc: SectionDoc | undefined }[] {
  return Object.entries(shapeOf(schema) ?? {}).map(([section, field]) => ({ section, doc: sectionDocOf(field) }))
}

/** Every rule, with the setting it is registered on. */
export const settingRuleEntries = (schema: AnySchema = settingsSchema): (SettingRule & { key: string })[] =>
  settingEntries(schema).flatMap((entry) => entry.rules.map((rule) => ({ key: entry.key, ...rule })))

/**
 * Every setting an administrator can write, in the schema's order, groups before what they hold.
 * The top-level keys are sections, not settings, unless they hold a value themselves ("banks").
 */
export function settingEntries(schema: AnySchema = settingsSchema): SettingEntry[] {
  const root = shapeOf(schema)
  if (root === null) throw new SettingsDocError('The settings schema is not an object.')
  const entries: SettingEntry[] = []
  const visit = (field: AnySchema, keyPath: string[], section: string) => {
    const shape = shapeOf(field)
    entries.push({
      key: keyPath.join('.'),
      path: keyPath,
      section,
      kind: shape === null ? 'leaf' : 'group',
      schema: field,
      ...metaOf(field),
    })
    for (const [name, child] of Object.entries(shape ?? {})) visit(child, [...keyPath, name], section)
  }
  for (const [section, field] of Object.entries(root)) {
    const shape = shapeOf(field)
    if (shape === null) visit(field, [section], section)
    else for (const [name, child] of Object.entries(shape)) visit(child, [section, name], section)
  }
  return entries
}

/** The key paths of the settings that hold values, e.g. "bankid.certificate.pkcs12" and "banks". */
export const leafKeys = (schema: AnySchema = settingsSchema): string[] =>
  settingEntries(schema)
    .filter((entry) => entry.kind === 'leaf')
    .map((entry) => entry.key)

/** Settings (groups included) that nobody has described yet. */
export const undescribedKeys = (schema: AnySchema = settingsSchema): string[] =>
  settingEntries(schema)
    .filter((entry) => entry.description === undefined)
    .map((entry) => entry.key)

// ---- zod's JSON Schema: types, ranges and defaults ----

/** The parts of a JSON Schema node the page shows. */
export interface JsonNode {
  type?: string
  enum?: unknown[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  minItems?: number
  maxItems?: number
  items?: JsonNode
  properties?: Record<string, JsonNode>
  default?: unknown
}

/**
 * The settings file as JSON Schema, as the administrator writes it (io: 'input': before the
 * transforms, with defaults). Refinements (an IP address, an https address) are not representable:
 * the rule lines, in the kiosk's own words, say those.
 */
export const settingsJsonSchema = (): JsonNode =>
  z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any' }) as unknown as JsonNode

export function jsonNodeAt(root: JsonNode, keyPath: readonly string[]): JsonNode | undefined {
  let node: JsonNode | undefined = root
  for (const name of keyPath) node = node?.properties?.[name]
  return node
}

/** The leaves according to the JSON Schema: a cross-check of the zod walk. */
export function jsonSchemaLeafKeys(root: JsonNode = settingsJsonSchema()): string[] {
  const keys: string[] = []
  const visit = (node: JsonNode, keyPath: string[]) => {
    if (node.type === 'object' && node.properties !== undefined) {
      for (const [name, child] of Object.entries(node.properties)) visit(child, [...keyPath, name])
    } else {
      keys.push(keyPath.join('.'))
    }
  }
  for (const [name, child] of Object.entries(root.properties ?? {})) visit(child, [name])
  return keys
}
