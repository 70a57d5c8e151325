// `npm start`. The kiosk screens arrive in a later issue; until then this starts the built-in
// BankID simulator, which is what the kiosk itself runs against with no configuration.
console.log('The kiosk screens are not built yet: starting the built-in BankID simulator instead.\n')
await import('../src/main/simulator/cli')
export {}
