// The process boundaries are enforced by lint (eslint.config.js); this proves the rules bite.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('imports across process boundaries', () => {
  it.each([
    ['src/renderer/src/Screen.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync"],
    ['src/renderer/src/Screen.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer"],
    ['src/renderer/src/Screen.ts', "import { BankIdClient } from '../../main/bankid/client'\nexport const x = BankIdClient"],
    ['src/preload/index.ts', "import { BankIdClient } from '../main/bankid/client'\nexport const x = BankIdClient"],
    ['src/preload/index.ts', "import { readFileSync } from 'fs'\nexport const x = readFileSync"],
    ['src/main/index.ts', "import App from '../renderer/src/App.svelte'\nexport const x = App"],
    ['src/shared/contract.ts', "import { app } from 'electron'\nexport const x = app"],
    ['src/shared/contract.ts', "import { createHash } from 'node:crypto'\nexport const x = createHash"],
    ['src/gateway/gateway.ts', "import { app } from 'electron'\nexport const x = app"],
    ['src/gateway/gateway.ts', "import { startRuntime } from '../main/runtime'\nexport const x = startRuntime"],
    ['src/gateway/gateway.ts', "import { hardenWindow } from '../main/shell/harden'\nexport const x = hardenWindow"],
    ['src/main/runtime.ts', "import { startGateway } from '../gateway/gateway'\nexport const x = startGateway"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toHaveLength(1)
  })

  it.each([
    ['src/renderer/src/Screen.ts', "import { parsePersonnummer } from '../../shared/personnummer'\nexport const x = parsePersonnummer"],
    ['src/preload/index.ts', "import { contextBridge } from 'electron'\nexport const x = contextBridge"],
    ['src/main/index.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync"],
    ['src/main/index.ts', "import { parsePersonnummer } from '../shared/personnummer'\nexport const x = parsePersonnummer"],
    ['src/gateway/gateway.ts', "import { BankIdClient } from '../main/bankid/client'\nexport const x = BankIdClient"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([])
  })
})
