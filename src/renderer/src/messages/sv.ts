export const sv = {
  'placeholder.title': 'Inloggning med Mobilt BankID',
} as const
