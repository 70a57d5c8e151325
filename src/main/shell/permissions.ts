// Permission requests from the page (camera, microphone, geolocation, notifications, USB, …).
// Electron grants everything unless told otherwise (checklist #5); the kiosk page needs nothing,
// so every request and every check is refused. Kept as a table so a future need is one line.
export const PERMISSIONS: Readonly<Record<string, boolean>> = {}

export function isPermissionAllowed(permission: string): boolean {
  return Object.hasOwn(PERMISSIONS, permission) && PERMISSIONS[permission] === true
}
