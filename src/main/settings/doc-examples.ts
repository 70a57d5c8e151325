// The settings files and the mistakes docs/settings.md shows: each example must pass checkSettings
// and each mistake fail it, or the page is not made.

/** Mistakes whose sentences the page quotes, as checkSettings words them today. */
export const SAMPLE_MISTAKES: readonly { what: string; settings: unknown }[] = [
  { what: 'A misspelt key', settings: { timing: { idleSecond: 60 } } },
  { what: 'A value out of range', settings: { timing: { idleSeconds: 5 } } },
  { what: 'Production without a certificate', settings: { bankid: { environment: 'production' } } },
]

export interface SettingsExample {
  title: string
  intro: string
  settings: Record<string, unknown>
}

/** Complete settings files. Each must pass checkSettings, or the page is not made. */
export const EXAMPLES: readonly SettingsExample[] = [
  {
    title: 'A minimal production file',
    intro:
      'Real BankID, with the RP certificate and a file holding its passphrase in the same folder as the settings ' +
      'file, and the school\'s name. Everything else keeps its default.',
    settings: {
      bankid: {
        environment: 'production',
        certificate: { pkcs12: 'rp-certificate.p12' },
        passphrase: { file: 'rp-passphrase.txt' },
      },
      school: { name: 'Exempelskolan' },
    },
  },
  {
    title: 'A fuller file',
    intro:
      'BankID\'s test service with a converted PEM certificate whose passphrase is in an environment variable, ' +
      'the QR code first, three languages with English first, the school\'s colours, longer idle times, a log ' +
      'folder on another drive, automatic updates and a signed health report every five minutes. Every section may ' +
      'be left out or given in part.',
    settings: {
      bankid: {
        environment: 'test',
        certificate: { cert: 'certificates/rp-certificate.pem', key: 'certificates/rp-key.pem' },
        passphrase: { env: 'BANKID_RP_PASSPHRASE' },
        endUserIp: '203.0.113.7',
        intentText: 'Inloggning på Exempelskolans föräldraportal',
        requestTimeoutSeconds: 15,
      },
      flow: { mode: 'qr' },
      timing: { idleSeconds: 90, waitingIdleSeconds: 240, idleWarningSeconds: 30, loggedInSeconds: 10 },
      languages: { available: ['en', 'sv', 'ar'], default: 'en' },
      school: { name: 'Exempelskolan', primaryColor: '#00543c', accentColor: '#f2a900' },
      banks: ['Handelsbanken', 'Länsförsäkringar', 'Nordea', 'SEB', 'Swedbank'],
      logging: { directory: 'D:\\Logs\\BankID Kiosk', level: 'info', maxFileSizeMB: 20, maxFiles: 30 },
      updates: { enabled: true, url: 'https://updates.example-skola.se/bankid-kiosk/', checkIntervalMinutes: 240 },
      health: {
        heartbeat: {
          url: 'https://monitor.example-skola.se/kiosk-heartbeat',
          secret: { env: 'BANKID_KIOSK_HEARTBEAT_SECRET' },
        },
      },
    },
  },
  {
    title: 'Handing each login on to the school\'s service',
    intro:
      'After BankID, the kiosk POSTs the login to the school\'s service, signed with a secret shared with it (kept in ' +
      'a file next to the settings), trusting only the municipality\'s own CA for it, and shows the page the service ' +
      'answers with in the locked view, which may show the portal and the municipality\'s login pages and nothing else.',
    settings: {
      bankid: {
        environment: 'production',
        certificate: { pkcs12: 'rp-certificate.p12' },
        passphrase: { file: 'rp-passphrase.txt' },
      },
      school: { name: 'Exempelskolan' },
      handoff: {
        enabled: true,
        url: 'https://portal.example-skola.se/kiosk/login',
        kioskId: 'reception-hus-a',
        secret: { file: 'handoff-secret.txt' },
        ca: 'kommun-root-ca.pem',
        allowedOrigins: ['https://portal.example-skola.se', 'https://login.example-kommun.se'],
        messageSeconds: 20,
      },
    },
  },
]
