import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

const CARDS = 3;

/**
 * Three face-down cards, each hiding a different number. Clicking a card turns it face up and the
 * others face down; Submit with the greatest card face up succeeds. Submitting another card gives
 * 0 (the official page's partial reward), submitting with every card face down gives -1. A face-down
 * card shows no number, so finding the greatest takes turning the cards one by one.
 */
export const findGreatest = defineTask({
  name: 'find-greatest',
  description: 'Turn the cards over, pick the one with the greatest number and press Submit.',
  wave: 2,
  perception: 'text',
  partialCredit: true,
  // Face down, every instance looks the same until a card is turned.
  observationVaries: false,
  css: `
#cardholder { text-align: center; margin-top: 15px; }
.card { display: inline-block; height: 60px; width: 40px; border: 1px solid black; font-size: 25px; line-height: 50px; margin: 2px 5px; vertical-align: middle; border-radius: 3px; text-align: center; }
.card.hidden { cursor: pointer; background-color: #ea2a3a; background-image: repeating-linear-gradient(-45deg, rgba(255, 255, 255, .9) 0 6px, transparent 6px 12px); }
.controls { text-align: center; margin: 15px 0; }
#submit { width: 70px; height: 30px; }
`,
  generate(ctx) {
    ctx.setUtterance('Find and pick the card with the greatest number, then press submit.');
    const numbers: number[] = [];
    while (numbers.length < CARDS) {
      const n = ctx.random.int(0, ctx.random.int(10, 25));
      if (!numbers.includes(n)) numbers.push(n);
    }
    const greatest = numbers.indexOf(Math.max(...numbers));
    const holder = h(ctx.doc, 'div', { id: 'cardholder' });
    const cards = numbers.map((n) => {
      const card = h(ctx.doc, 'div', { class: 'card hidden' });
      card.addEventListener('click', () => {
        for (const other of cards) {
          other.className = 'card hidden';
          other.replaceChildren();
        }
        card.className = 'card';
        card.append(h(ctx.doc, 'span', { class: 'card-value' }, n));
      });
      holder.append(card);
      return card;
    });
    const submit = h(ctx.doc, 'button', { id: 'submit' }, 'Submit');
    submit.addEventListener('click', () => {
      const shown = cards.findIndex((card) => !card.classList.contains('hidden'));
      if (shown === -1) ctx.fail('no card picked');
      else if (shown === greatest) ctx.succeed();
      else ctx.end(0, `picked ${numbers[shown]}, not the greatest`);
    });
    ctx.area.append(holder, h(ctx.doc, 'div', { class: 'controls' }, submit));
  },
});
