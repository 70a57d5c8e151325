// The FAQ's questions, in the order shown; each has `faq.<id>.q` and `faq.<id>.a` in the catalogues.
export const FAQ_QUESTIONS = ['appEnough', 'howToGet', 'phones', 'data', 'foreign', 'locked', 'timeout', 'banks', 'privacy'] as const
export type FaqQuestion = (typeof FAQ_QUESTIONS)[number]
