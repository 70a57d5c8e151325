// Whether a scrolling list has more below what is in view: for the "more follows" cue under it.
// A Svelte action: tells `changed` on scroll, on resize and when the content changes.

/** True when more than a few pixels of the element's content are below its visible part. */
export function hasMoreBelow(element: { scrollTop: number; clientHeight: number; scrollHeight: number }): boolean {
  return element.scrollTop + element.clientHeight < element.scrollHeight - 4
}

export function moreBelow(element: HTMLElement, changed: (more: boolean) => void) {
  let callback = changed
  const check = () => callback(hasMoreBelow(element))
  const resized = new ResizeObserver(check)
  resized.observe(element)
  const mutated = new MutationObserver(check)
  mutated.observe(element, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] })
  element.addEventListener('scroll', check, { passive: true })
  check()
  return {
    update(next: (more: boolean) => void) {
      callback = next
    },
    destroy() {
      resized.disconnect()
      mutated.disconnect()
      element.removeEventListener('scroll', check)
    },
  }
}
