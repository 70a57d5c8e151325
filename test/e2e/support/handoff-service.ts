// The school's service for the hand-off's browser tests: the example receiver
// (examples/handoff-receiver) over real HTTPS with the simulator's certificates, in a few moods,
// started once per worker; plus the kiosk settings that point at it and a parent's login.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Fixtures, Page } from '@playwright/test'
import { startReceiver } from '../../../examples/handoff-receiver/receiver.mjs'
import type { RunningReceiver } from '../../../examples/handoff-receiver/receiver.mjs'
import type { SimulatorPki } from '../../../src/main/simulator/certificates'
import { SECRET, SECRET_TEXT, handoffPki, receiverTrust } from '../../support/handoff'
import { freshPersonalNumber, scanQr, startLogin } from './kiosk'
import type { Kiosk, KioskSettingsFile } from './kiosk'

export interface Service {
  pki: SimulatorPki
  secretFile: string
  /** Answers every login with a message. */
  messages: RunningReceiver
  /** Answers every login with a page of its own (/portal), which greets the parent by name. */
  pages: RunningReceiver
  /** Where nothing listens: the school's service is down. */
  downUrl: string
  /** Takes the connection and never says anything: every hand-off runs into its time limit. */
  silentUrl: string
}

export const MESSAGE = 'Välkommen! Gå till expeditionen, rum 12.'

/** For `test.extend(serviceFixtures)` in a spec (the kiosk's test extended, per spec). */
export const serviceFixtures: Fixtures<object, { service: Service }> = {
  service: [
    // eslint-disable-next-line no-empty-pattern -- Playwright asks for the object pattern
    async ({}, use) => {
      const pki = await handoffPki()
      const dir = mkdtempSync(join(tmpdir(), 'kiosk-handoff-e2e-'))
      const secretFile = join(dir, 'handoff-secret.txt')
      writeFileSync(secretFile, `${SECRET_TEXT}\n`)
      const common = { cert: pki.serverCertPem, key: pki.serverKeyPem, secret: SECRET, ...(await receiverTrust()), log: () => undefined }
      const messages = await startReceiver({ ...common, message: MESSAGE })
      const pages = await startReceiver({ ...common, answer: 'url' })
      const sockets = new Set<Socket>()
      const silent = createServer((socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
      const silentPort = (silent.address() as AddressInfo).port
      await use({
        pki,
        secretFile,
        messages,
        pages,
        downUrl: `https://127.0.0.1:${await freePort()}/kiosk/login`,
        silentUrl: `https://127.0.0.1:${silentPort}/kiosk/login`,
      })
      for (const socket of sockets) socket.destroy()
      await Promise.all([messages.close(), pages.close(), new Promise((resolve) => silent.close(resolve))])
      rmSync(dir, { recursive: true, force: true })
    },
    { scope: 'worker' },
  ],
}

export function handoffSettings(service: Service, url: string, extra: KioskSettingsFile = {}): KioskSettingsFile {
  return {
    ...extra,
    handoff: {
      enabled: true,
      demo: true,
      url,
      kioskId: 'e2e-reception',
      secret: { file: service.secretFile },
      ca: service.pki.serverCaPath,
      allowedOrigins: [service.pages.origin],
      timeoutSeconds: 5,
    },
  }
}

/**
 * A parent BankID knows as Fatima Hassan logs in; returns their personnummer. With `wait` (the
 * default) the hand-off has finished on return; without, the last step only starts it (the page
 * then shows "handing off" until the service answers).
 */
export async function logIn(page: Page, kiosk: Kiosk, wait = true): Promise<string> {
  const personalNumber = freshPersonalNumber()
  kiosk.sim.people.upsert({ personalNumber, givenName: 'Fatima', surname: 'Hassan', securityCode: '246810' })
  await startLogin(page, personalNumber)
  const orderRef = await scanQr(page, kiosk)
  await kiosk.step(2_000)
  kiosk.sim.orders.enterSecurityCode(orderRef, '246810')
  // The collect that brings "complete", then the hand-off (real HTTPS; step() waits for it).
  if (wait) await kiosk.step(2_000)
  else kiosk.scheduler.advance(2_000)
  return personalNumber
}

export function freePort(): Promise<number> {
  const probe = createServer()
  return new Promise((resolve) =>
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    }),
  )
}
