// ESM loader hook: resolve 'electron' to the stand-in.
const standIn = new URL('./electron.mjs', import.meta.url).href

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: standIn, shortCircuit: true, format: 'module' }
  return nextResolve(specifier, context)
}
