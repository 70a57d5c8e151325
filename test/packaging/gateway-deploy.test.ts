// deploy/gateway: the files that run the gateway on a municipality's servers. What can run here
// runs: systemd-analyze verify on the unit, haproxy -c on the example, the gateway's own settings
// check on the Kubernetes ConfigMap's settings.json. The rest is checked by reading: the Dockerfile's
// instructions and the manifest's fields a Deployment needs. hadolint is not packaged by Debian; it
// runs when it is on the PATH.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { checkGatewaySettings } from '../../src/gateway/settings/load'
import { root } from './support'

const dir = join(root, 'deploy/gateway')
const read = (name: string) => readFileSync(join(dir, name), 'utf8')
const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0

/** The unit as key → values (keys repeat), ignoring sections: the hardening keys are all in [Service]. */
function unitKeys(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>()
  for (const line of text.split('\n').map((l) => l.trim())) {
    const pair = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (pair) keys.set(pair[1] as string, [...(keys.get(pair[1] as string) ?? []), pair[2] as string])
  }
  return keys
}

describe('deploy/gateway/bankid-gateway.service', () => {
  const unit = read('bankid-gateway.service')
  const keys = unitKeys(unit)

  it('runs the built gateway as its own user, hardened', () => {
    expect(keys.get('ExecStart')).toEqual(['/usr/bin/node /opt/bankid-gateway/out/gateway/cli.js --settings /etc/bankid-gateway/settings.json'])
    expect(keys.get('User')).toEqual(['bankid-gateway'])
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['PrivateDevices', 'yes'],
      ['CapabilityBoundingSet', ''],
      ['KillSignal', 'SIGTERM'],
      ['UMask', '0077'],
      ['Restart', 'on-failure'],
    ]) {
      expect(keys.get(key as string), key).toEqual([value])
    }
    expect(keys.get('RestrictAddressFamilies')).toEqual(['AF_INET AF_INET6 AF_UNIX'])
    // V8 needs W+X memory: the key must not be there.
    expect(keys.has('MemoryDenyWriteExecute')).toBe(false)
  })

  it.skipIf(!onPath('systemd-analyze'))('passes systemd-analyze verify (which does report a misspelt key)', () => {
    // verify checks that the binary and user exist: point them at ones this machine has.
    const work = mkdtempSync(join(tmpdir(), 'gateway-unit-'))
    const runnable = unit
      .replace(/^ExecStart=.*$/m, `ExecStart=${process.execPath} -e 0`)
      .replace(/^User=.*$/m, 'User=nobody')
      .replace(/^Group=.*$/m, 'Group=nogroup')
      .replace(/^WorkingDirectory=.*$/m, 'WorkingDirectory=/tmp')
    const verify = (text: string) => {
      const file = join(work, 'bankid-gateway.service')
      writeFileSync(file, text)
      const result = spawnSync('systemd-analyze', ['verify', file], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' },
      })
      return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() }
    }
    expect(verify(runnable)).toEqual({ status: 0, output: '' })
    expect(verify(runnable.replace('ProtectHome=yes', 'ProtectHomee=yes')).output).toMatch(/Unknown key( name)? 'ProtectHomee'/)
  })
})

describe('deploy/gateway/Dockerfile', () => {
  const text = read('Dockerfile')
  const instructions = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/)
      return { instruction: instruction.toUpperCase(), args: rest.join(' ') }
    })
  const stages: (typeof instructions)[] = []
  for (const entry of instructions) {
    if (entry.instruction === 'FROM') stages.push([])
    stages.at(-1)?.push(entry)
  }
  const final = stages.at(-1) ?? []
  const args = (stage: typeof instructions, instruction: string) => stage.filter((e) => e.instruction === instruction).map((e) => e.args)

  it('builds in one stage and runs the bundle as a non-root user in a pinned slim image', () => {
    const froms = instructions.filter((e) => e.instruction === 'FROM').map((e) => e.args)
    expect(froms).toHaveLength(2)
    for (const from of froms) expect(from).toMatch(/^node:\d+\.\d+-bookworm-slim( AS \w+)?$/)
    expect(args(stages[0] ?? [], 'RUN').join('\n')).toContain('npm run build:gateway')
    expect(args(final, 'RUN').join('\n')).toContain('npm ci --omit=dev')
    const user = args(final, 'USER')
    expect(user).toHaveLength(1)
    expect(user[0]).not.toMatch(/^(root|0)$/)
    expect(args(final, 'EXPOSE')).toEqual(['8443 9090'])
    expect(args(final, 'HEALTHCHECK').join('')).toContain('/healthz')
    expect(JSON.parse(args(final, 'ENTRYPOINT')[0] ?? 'null')).toEqual(['node', 'out/gateway/cli.js'])
    expect(args(final, 'COPY').join('\n')).toContain('resources/bankid-ca')
  })

  it.skipIf(!onPath('hadolint'))('passes hadolint (skipped: hadolint is not installed, and Debian does not package it)', () => {
    const result = spawnSync('hadolint', [join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: 30_000 })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
})

describe('deploy/gateway/kubernetes.yaml', () => {
  const documents = parseAllDocuments(read('kubernetes.yaml'))
  const objects = documents.map((doc) => doc.toJS() as Record<string, any>) // eslint-disable-line @typescript-eslint/no-explicit-any
  const of = (kind: string) => objects.filter((object) => object.kind === kind)

  it('parses, and every document is a named Kubernetes object', () => {
    for (const doc of documents) expect(doc.errors).toEqual([])
    for (const object of objects) {
      expect(typeof object.apiVersion).toBe('string')
      expect(typeof object.kind).toBe('string')
      expect(typeof object.metadata?.name).toBe('string')
    }
    expect(objects.map((object) => object.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service', 'Service'])
  })

  it('has a Deployment of 2+ replicas with probes on /healthz and /readyz, locked down', () => {
    const [deployment] = of('Deployment')
    expect(deployment?.apiVersion).toBe('apps/v1')
    const spec = deployment?.spec
    expect(spec.replicas).toBeGreaterThanOrEqual(2)
    expect(spec.selector.matchLabels).toEqual(spec.template.metadata.labels)
    const [container] = spec.template.spec.containers
    expect(container.image).toMatch(/.+:.+/)
    expect(container.ports.map((port: { containerPort: number }) => port.containerPort).sort()).toEqual([8443, 9090])
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 9090 })
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 9090 })
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })
    expect(spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } })
  })

  it('exposes 8443/TCP to kiosks and 9090 for metrics, selecting the Deployment\'s pods; a PDB keeps one', () => {
    const labels = of('Deployment')[0]?.spec.template.metadata.labels
    const services = of('Service')
    for (const service of services) expect(service.spec.selector).toEqual(labels)
    const ports = services.flatMap((service) => service.spec.ports.map((port: { port: number; protocol: string }) => `${port.port}/${port.protocol}`))
    expect(ports.sort()).toEqual(['8443/TCP', '9090/TCP'])
    expect(of('PodDisruptionBudget')[0]?.spec).toMatchObject({ minAvailable: 1, selector: { matchLabels: labels } })
  })

  it('carries settings the gateway itself accepts', () => {
    const settings = JSON.parse(of('ConfigMap')[0]?.data['settings.json']) as unknown
    const checked = checkGatewaySettings(settings)
    expect(checked.ok, checked.ok ? '' : checked.problem).toBe(true)
    const args = of('Deployment')[0]?.spec.template.spec.containers[0].args as string[]
    expect(args).toEqual(['--settings', '/etc/bankid-gateway/config/settings.json'])
  })
})

describe('deploy/gateway/haproxy.cfg.example', () => {
  const text = read('haproxy.cfg.example')

  it('is TCP with round robin and readiness checks', () => {
    expect(text).toMatch(/^\s*mode tcp$/m)
    expect(text).toMatch(/^\s*balance roundrobin$/m)
    expect(text).toContain('option httpchk GET /readyz')
    expect(text).not.toMatch(/\bssl\b|crt /)
  })

  it.skipIf(!onPath('haproxy'))('passes haproxy -c', () => {
    const result = spawnSync('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg.example')], { encoding: 'utf8', timeout: 30_000 })
    expect(result.status, result.stdout + result.stderr).toBe(0)
    expect(result.stdout + result.stderr).toContain('Configuration file is valid')
  })
})
