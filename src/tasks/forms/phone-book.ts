import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import { defineTask } from '../core/task.ts';
import { FIRST_NAMES, LAST_NAMES } from '../core/words.ts';
import { PAGINATION_CSS, renderPagination } from './pagination.ts';
import { TOP_LEVEL_DOMAINS } from './words.ts';

const CONTACTS = 5;
type Property = 'phone' | 'email' | 'address';
const PROPERTIES: Property[] = ['phone', 'email', 'address'];
const MAIL_HOSTS = ['hotmail', 'yahoo', 'gmail', 'aol', 'live', 'fastmail', 'proton', 'mailbox'];
// prettier-ignore
const STREET_SUFFIXES = ['Court', 'Ct', 'Street', 'St', 'Road', 'Rd', 'Drive', 'Dr', 'Avenue', 'Ave', 'Lane', 'Way',
  'Boulevard', 'Blvd', 'Crescent', 'Grove', 'Place', 'Square', 'Terrace'];

type Contact = { name: string } & Record<Property, string>;

function makeContact(random: Random, name: string): Contact {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const user = random.chance(0.5) ? name : name.slice(0, random.int(3, Math.min(5, name.length)));
  const suffix = random.chance(0.5) ? '' : String(random.int(10, 9999));
  let address = `${random.int(1, 9999)} ${random.pick(LAST_NAMES)} ${random.pick(STREET_SUFFIXES)}`;
  if (random.chance(0.25)) address += `, ${random.pick(['Apt', 'Unit'])} ${random.int(1, 49)}`;
  return {
    name,
    phone: `${random.int(110, 989)}-${pad(random.int(0, 999), 3)}-${pad(random.int(0, 9999), 4)}`,
    email: `${user.toLowerCase()}${suffix}@${random.pick(MAIL_HOSTS)}.${random.pick(TOP_LEVEL_DOMAINS)}`,
    address,
  };
}

/**
 * A contact book that shows one contact per page: page through it to the named person and click the
 * asked-for detail. As in the original, the reward is 0.7 for the right person plus 0.3 for the right
 * detail (each -0.7 / -0.3 when wrong), so the right person's wrong detail still earns 0.4.
 */
export const phoneBook = defineTask({
  name: 'phone-book',
  description: 'Page through a contact book to a person and click their phone, email or address.',
  maxTime: 15,
  partialCredit: true,
  css: `
#contact .property { display: block; margin: 4px; }
#contact .property-name { font-weight: bold; }
#contact a { color: #00f; text-decoration: underline; cursor: pointer; }
#contact h2 { font-size: 16px; margin: 4px; }
${PAGINATION_CSS}`,
  generate(ctx) {
    const contacts = ctx.random.sample(FIRST_NAMES, CONTACTS).map((name) => makeContact(ctx.random, name));
    const wanted = ctx.random.int(0, CONTACTS - 1);
    const property = ctx.random.pick(PROPERTIES);
    const person = (contacts[wanted] as Contact).name;
    ctx.setUtterance(
      `Find ${person} in the contact book and click on their ${property}${property === 'phone' ? ' number' : ''}.`,
    );

    const card = h(ctx.doc, 'div', { id: 'contact' });
    const showContact = (page: number): void => {
      const contact = contacts[page - 1] as Contact;
      const rows = PROPERTIES.map((p) => {
        const link = h(ctx.doc, 'a', { class: p }, contact[p]);
        link.addEventListener('click', () => {
          const reward = (page - 1 === wanted ? 0.7 : -0.7) + (p === property ? 0.3 : -0.3);
          // Rounded so that 0.7 - 0.3 reads 0.4, not 0.39999999999999997.
          ctx.end(Math.round(reward * 10) / 10, `clicked ${contact.name}'s ${p}`);
        });
        const label = `${p[0]?.toUpperCase()}${p.slice(1)}: `;
        return h(
          ctx.doc,
          'div',
          { class: 'property' },
          h(ctx.doc, 'span', { class: 'property-name' }, label),
          h(ctx.doc, 'span', {}, link),
        );
      });
      card.replaceChildren(h(ctx.doc, 'div', {}, h(ctx.doc, 'h2', { class: 'name' }, contact.name), ...rows));
    };
    const pager = h(ctx.doc, 'ul', { id: 'pagination' });
    ctx.area.append(card, pager);
    renderPagination(pager, { totalPages: CONTACTS, visiblePages: 1, onPage: showContact });
  },
});
