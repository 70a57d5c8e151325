// Sandboxed CommonJS preload: exposes one named API, `window.kiosk`, and nothing else. The
// renderer never sees ipcRenderer or an IpcRendererEvent (whose `sender` would be ipcRenderer).
import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import type { Intent, KioskApi, Snapshot } from '../shared/contract'
import { IPC_CHANNELS } from '../shared/ipc-channels'

const kiosk: KioskApi = {
  subscribe(listener) {
    let latest = -1
    const deliver = (snapshot: Snapshot) => {
      if (snapshot.sequence <= latest) return
      latest = snapshot.sequence
      listener(snapshot)
    }
    const onSnapshot = (_event: IpcRendererEvent, snapshot: Snapshot) => deliver(snapshot)
    ipcRenderer.on(IPC_CHANNELS.snapshot, onSnapshot)
    void ipcRenderer.invoke(IPC_CHANNELS.current).then((snapshot: Snapshot) => deliver(snapshot))
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.snapshot, onSnapshot)
    }
  },
  send(intent: Intent) {
    ipcRenderer.send(IPC_CHANNELS.intent, intent)
  },
}

contextBridge.exposeInMainWorld('kiosk', Object.freeze(kiosk))
