// Sandboxed CommonJS preload. It will expose one named API (`window.kiosk`) built from the
// contract in src/shared; it never exposes ipcRenderer itself.
import { contextBridge } from 'electron'

contextBridge.exposeInMainWorld('kiosk', Object.freeze({ version: 1 }))
