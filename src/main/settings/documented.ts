// What docs/settings.md says about a section or a setting beyond its own description, kept on the
// schema where the section or setting is declared (zod 4 registries, beside `.meta()` which holds
// each setting's description and examples): documentation.ts walks the schema and reads them.
import { z } from 'zod'

/** A section's heading and opening paragraph (Markdown). */
export interface SectionDoc {
  title: string
  intro: string
}

/**
 * A rule the JSON Schema cannot show: required-ness that depends on other settings, or a check the
 * schema makes with code. Each is proven while the page is made: every probe must fail checkSettings
 * at the setting it is registered on, so a rule removed from the schema cannot linger in the page.
 * (A rule without probes is one checked when a file is opened at start, which takes real files.)
 */
export interface SettingRule {
  /** "required": the line says when it is needed; "check": something else the kiosk insists on. */
  kind: 'required' | 'check'
  /** Markdown, completing "Required: …" or standing alone. */
  text: string
  probes: readonly unknown[]
}

/** On each section's schema (for "banks", the list itself): every section must have one. */
export const sectionDocs = z.registry<SectionDoc>()
/** On a setting's schema, outermost where it is declared; in the order the page gives them. */
export const settingRules = z.registry<{ rules: readonly SettingRule[] }>()
