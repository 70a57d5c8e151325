// school and banks: the school's name and colours, and the banks named in the parents' guide.
import { z } from 'zod'
import { sectionDocs, settingRules } from '../documented'
import { colour, noDuplicates, section, text } from './fields'

/**
 * Banks that issue Mobilt BankID, for the guide and the FAQ (the setting `banks` replaces the list).
 * NOT BankID's complete list: no current complete list was found (searched 2026-12-07). Each name is
 * one a source names as issuing (Mobilt) BankID; the pages are undated unless a date is given,
 * and were read on 2026-12-07:
 *   - bankid.com/om-bankid/detta-ar-bankid (BankID's own list, undated, written about 2019: it gives
 *     the 2019 estimate): Danske Bank, ICA Banken, Handelsbanken, Länsförsäkringar Bank, Nordea, SEB,
 *     Skandiabanken, Sparbanken Syd, Swedbank, Ålandsbanken. Danske Bank, Länsförsäkringar, SEB,
 *     Swedbank and Ålandsbanken rest on this page alone.
 *   - ICA Banken: thelocal.com/20220117/foreign-citizens-in-sweden-blocked-from-bankid-after-banks-roll-out-new-rules
 *     (2022-01-17) and friatider.se/do-inte-diskriminering-nar-icke-medborgare-nekas-bank-id.
 *   - Handelsbanken: handelsbanken.se/en/personal/digital-services/log-on-methods.
 *   - Nordea: nordea.se/privat/produkter/mobilbank-internetbank/nordea-id-dosa.html.
 *   - Skandia: support.bankid.com/sv/fragor-svar/fragor-om-bestallning/kan-nagon-lura-funktionen-genom-att-halla-upp-en-bild-pa-mig
 *     names "Skandiabanken" among banks that issue BankID without branches; the bank calls itself
 *     Skandia (skandia.se).
 *   - Sparbanken Syd: sparbankensyd.se/vardagstjanster/bankid/mobilt-bankid.
 *   - Sparbankerna (the savings banks, grouped as the sources group them with Swedbank): Sparbanken
 *     Tanum (sparbankentanum.se/privat/digitala-tjanster/mobilt-bankid.html) and Valdemarsviks
 *     Sparbank (valdemarsvikssparbank.se) issue it through the Sparbanken Privat app.
 *   - Forex Bank: forex.se/en/bankkund/digital/bankid.
 * Left out: Sparbanken Öresund (merged into Swedbank), Ikano Bank and Sparbanken Skåne by name (no
 * source found), Marginalen Bank (marginalen.se: "Marginalen Bank inte utfärdar BankID"). The guide
 * says most banks in Sweden issue it, so a parent whose bank is missing asks the bank.
 */
export const DEFAULT_BANKS: readonly string[] = [
  'Danske Bank',
  'Forex Bank',
  'Handelsbanken',
  'ICA Banken',
  'Länsförsäkringar',
  'Nordea',
  'SEB',
  'Skandia',
  'Sparbanken Syd',
  'Sparbankerna',
  'Swedbank',
  'Ålandsbanken',
]

export const school = section({
  name: text(1, 80)
    .default('Skolan')
    .meta({
      description:
        'The school\'s name, shown on the kiosk\'s screens and, unless `bankid.intentText` is set, in the BankID app.',
      examples: ['Exempelskolan'],
    }),
  primaryColor: colour('#1f3a5f')
    .default('#1f3a5f')
    .meta({
      description:
        'The school\'s main colour, for the header band and the buttons, written as `#rrggbb`. If text would be hard ' +
        'to read on it, the kiosk darkens it until the contrast is high enough.',
    }),
  accentColor: colour('#ffd200')
    .default('#ffd200')
    .meta({
      description:
        'A second colour, for highlights and the outline that marks the control in focus, written as `#rrggbb`. It ' +
        'is never used for text. It must stand out against `primaryColor` (contrast 3:1, after any darkening) or the ' +
        'focus ring vanishes in the header band: otherwise the kiosk uses the default yellow and logs ' +
        '`settings.warning` at start.',
    }),
}).register(sectionDocs, {
  title: 'the school\'s name and colours',
  intro: 'How the kiosk presents the school: its name on the screens and its colours.',
})

export const banks = z
  .array(text(1, 60, 'a bank name'), { error: 'must be a list of bank names' })
  .min(1, { error: 'must list 1 to 30 bank names' })
  .max(30, { error: 'must list 1 to 30 bank names' })
  .superRefine(noDuplicates)
  .register(sectionDocs, {
    title: 'banks in the parents\' guide',
    intro:
      'A list rather than a group of settings: the banks named in the kiosk\'s guide for parents who do not yet ' +
      'have Mobilt BankID.',
  })
  .register(settingRules, {
    rules: [
      {
        kind: 'check',
        text: 'Each bank at most once (ignoring capitals and spaces).',
        probes: [{ banks: ['SEB', 'Nordea', 'seb'] }],
      },
    ],
  })
