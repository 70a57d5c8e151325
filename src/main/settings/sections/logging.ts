// logging and updates: the kiosk's log, and where it updates itself from (off unless turned on).
import { z } from 'zod'
import { sectionDocs, settingRules } from '../documented'
import { filePath, oneOf, section, wholeNumber } from './fields'

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const

export const logging = section({
  directory: filePath('folder')
    .optional()
    .meta({
      description:
        'The folder for the kiosk\'s log (`kiosk.log` and its older copies). Left out, it is the `logs` folder in ' +
        'the kiosk\'s application data folder. The kiosk creates the folder if it is missing.',
      examples: ['D:\\Logs\\BankID Kiosk'],
    }),
  level: oneOf(LOG_LEVELS)
    .default('info')
    .meta({
      description:
        'How much the log records: `"error"` only failures, `"warn"` also warnings, `"info"` also each session\'s ' +
        'steps, `"debug"` also detail for troubleshooting. Use `"debug"` only while investigating a problem. At ' +
        'every level, personnummer and names are never written.',
    }),
  maxFileSizeMB: wholeNumber(1, 100)
    .default(10)
    .meta({
      description:
        'The size in megabytes at which the log file is put aside and a new one started.',
    }),
  maxFiles: wholeNumber(1, 365)
    .default(14)
    .meta({
      description:
        'How many of the put-aside log files are kept; beyond that the oldest is deleted. The log therefore takes ' +
        'at most about `logging.maxFileSizeMB` × (`logging.maxFiles` + 1) megabytes.',
    }),
}).register(sectionDocs, {
  title: 'the log',
  intro:
    'The kiosk\'s log, for IT staff: one line of JSON per event, with event names, codes and durations. ' +
    'Personnummer and names are never written to it. When `kiosk.log` reaches `logging.maxFileSizeMB` it is put ' +
    'aside and a new one started; only the newest `logging.maxFiles` of the put-aside files are kept.',
})

const httpsUrl = (() => {
  const error = 'must be an https:// address'
  return z.string({ error }).refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', { error })
})()

/** Updates are IT's decision: off unless the settings turn them on (and say where from). */
export const updates = section({
  enabled: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .meta({
      description:
        'Whether the kiosk updates itself. Off unless you turn it on: when to update is IT\'s decision. When on, the ' +
        'kiosk checks `updates.url` on a schedule, downloads a new version in the background and installs it only ' +
        'while nobody is using the kiosk.',
    }),
  url: httpsUrl.optional().meta({
    description:
      'The `https://` address of the folder on your web server where you publish the kiosk\'s new versions (the ' +
      'installers and the `latest.yml` file the build makes next to them).',
    examples: ['https://updates.example-skola.se/bankid-kiosk/'],
  }).register(settingRules, {
    rules: [
      {
        kind: 'required',
        text: 'when `updates.enabled` is `true`',
        probes: [{ updates: { enabled: true } }],
      },
    ],
  }),
  checkIntervalMinutes: wholeNumber(15, 1440)
    .default(60)
    .meta({ description: 'How often, in minutes, the kiosk asks `updates.url` for a new version.' }),
}).superRefine((settings, ctx) => {
  if (settings.enabled && settings.url === undefined) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required when "updates.enabled" is true' })
  }
}).register(sectionDocs, {
  title: 'automatic updates',
  intro:
    'The kiosk can update itself from a web server that the school or municipality runs. It is off unless you ' +
    'turn it on here, and an update is only ever installed while nobody is using the kiosk, never in the middle ' +
    'of a parent\'s login.',
})
