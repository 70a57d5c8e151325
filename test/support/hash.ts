import { createHash } from 'node:crypto'

export const hashOrderRef = (orderRef: string): string => createHash('sha256').update(orderRef).digest('hex').slice(0, 16)
