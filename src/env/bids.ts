/**
 * Bids: the stable string ids that name elements in observations and actions (BrowserGym's
 * convention), written into the DOM as the `bid` attribute. Numbering restarts at every episode so
 * the same instance always carries the same bids; elements a page adds later get the next free ones.
 */
export const BID_ATTRIBUTE = 'bid';

const nextBid = new WeakMap<Document, number>();

/** Clears every bid of the document; the next `assignBids` numbers from 1 again. */
export function resetBids(doc: Document): void {
  for (const element of doc.querySelectorAll(`[${BID_ATTRIBUTE}]`)) element.removeAttribute(BID_ATTRIBUTE);
  nextBid.set(doc, 1);
}

/** Gives every element of the body without a bid the next free one. */
export function assignBids(doc: Document): void {
  if (!doc.body) return;
  let next = nextBid.get(doc) ?? 1;
  const walker = doc.createTreeWalker(doc.body, 1 /* NodeFilter.SHOW_ELEMENT */);
  for (let node: Node | null = doc.body; node; node = walker.nextNode()) {
    const element = node as Element;
    if (!element.hasAttribute(BID_ATTRIBUTE)) element.setAttribute(BID_ATTRIBUTE, String(next++));
  }
  nextBid.set(doc, next);
}

export function findByBid(doc: Document, bid: string): Element | null {
  if (!/^[\w-]+$/.test(bid)) return null;
  return doc.querySelector(`[${BID_ATTRIBUTE}="${bid}"]`);
}
