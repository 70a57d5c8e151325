// `node --import ./register.mjs out/main/index.js`: every import of 'electron' (ESM `import` and a
// dependency's CommonJS `require`) gets the recording stand-in beside this file instead of the
// real Electron, which is not installed here.
import Module, { register } from 'node:module'
import { fileURLToPath } from 'node:url'

register('./hooks.mjs', import.meta.url)

const standIn = fileURLToPath(new URL('./electron.cjs', import.meta.url))
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? standIn : resolveFilename.call(this, request, ...rest)
}
