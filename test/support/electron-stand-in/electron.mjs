// The ESM face of the stand-in (electron.cjs holds the one shared recording).
import standIn from './electron.cjs'

export const { app, BrowserWindow, Menu, ipcMain, powerSaveBlocker, protocol, session, shell, contextBridge, ipcRenderer, net, dialog, autoUpdater } = standIn
export default standIn
