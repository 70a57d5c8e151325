// What "on screen" means for a control a parent must reach: inside the viewport, inside every
// box that clips it (a scrolling main, a low-reach page whose bar sits at the bottom), not covered
// by anything else, and its text not spilling out of it. Controls inside a list that scrolls by
// design (the FAQ's questions, the guide's steps) are not counted; everything around them is.
import type { Page } from '@playwright/test'

/** What must be reachable: buttons, the QR to scan, the typed personnummer. */
const REACHABLE = 'button, img.qr, output#pnr'
/** Lists that scroll inside their screen on purpose. */
const SCROLLING_LISTS = '.questions, .guide-steps'

/** Each control that is not wholly reachable, with the reason: empty when all are. */
export async function unreachableControls(page: Page): Promise<string[]> {
  // A string, not a function: the e2e code is type-checked without the DOM's types.
  return page.evaluate<string[]>(`(() => {
    const reachable = ${JSON.stringify(REACHABLE)}, scrollingLists = ${JSON.stringify(SCROLLING_LISTS)}
    window.scrollTo(0, 0)
    const problems = []
    const dialog = document.querySelector('[role="alertdialog"]')
    const name = (element) =>
      (element.getAttribute('aria-label') || element.textContent || element.tagName).trim().replace(/\\s+/g, ' ').slice(0, 40)
    for (const element of document.querySelectorAll(reachable)) {
      if (element.getClientRects().length === 0 || getComputedStyle(element).visibility === 'hidden') continue
      if (element.closest('[inert]') || (dialog && !dialog.contains(element))) continue
      if (element.closest(scrollingLists)) continue
      const box = element.getBoundingClientRect()
      const where = name(element) + ' [' + [box.left, box.top, box.right, box.bottom].map(Math.round).join(',') + ']'
      if (box.top < 0 || box.left < 0 || box.bottom > innerHeight + 0.5 || box.right > innerWidth + 0.5) {
        problems.push(where + ': outside the ' + innerWidth + '×' + innerHeight + ' screen')
        continue
      }
      let clipped = false
      for (let parent = element.parentElement; parent && !clipped; parent = parent.parentElement) {
        const style = getComputedStyle(parent)
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue
        const clip = parent.getBoundingClientRect()
        if (box.top < clip.top - 0.5 || box.bottom > clip.bottom + 0.5 || box.left < clip.left - 0.5 || box.right > clip.right + 0.5) {
          problems.push(where + ': cut off by ' + parent.tagName.toLowerCase() + '.' + [...parent.classList].join('.'))
          clipped = true
        }
      }
      if (clipped) continue
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
      if (!hit || !(element === hit || element.contains(hit))) {
        problems.push(where + ': covered by ' + (hit ? hit.tagName.toLowerCase() : 'nothing'))
        continue
      }
      if (element.tagName === 'BUTTON' && element.scrollWidth > element.clientWidth + 1) {
        problems.push(where + ': its text is wider than the button')
      }
    }
    return problems
  })()`)
}
