import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

export const FOOD_TYPES = ['vegetarian', 'spicy', 'gluten-free', 'dairy-free', 'low-calorie'] as const;
type FoodType = (typeof FOOD_TYPES)[number];

/** Dishes and what they are; a menu shows twelve of them. */
const DISHES: [string, FoodType[]][] = [
  ['Margherita Pizza', ['vegetarian']],
  ['Pepperoni Pizza', ['spicy']],
  ['Garden Salad', ['vegetarian', 'gluten-free', 'dairy-free', 'low-calorie']],
  ['Caesar Salad', ['low-calorie']],
  ['Chicken Curry', ['spicy', 'gluten-free']],
  ['Vegetable Curry', ['vegetarian', 'spicy', 'gluten-free', 'dairy-free']],
  ['Beef Burger', []],
  ['Veggie Burger', ['vegetarian']],
  ['Fish Tacos', ['dairy-free']],
  ['Bean Burrito', ['vegetarian', 'dairy-free']],
  ['Pad Thai', ['spicy', 'dairy-free']],
  ['Miso Soup', ['vegetarian', 'dairy-free', 'low-calorie']],
  ['Grilled Salmon', ['gluten-free', 'low-calorie']],
  ['Macaroni Cheese', ['vegetarian']],
  ['Buffalo Wings', ['spicy', 'gluten-free']],
  ['Fruit Cup', ['vegetarian', 'gluten-free', 'dairy-free', 'low-calorie']],
  ['Tomato Soup', ['vegetarian', 'gluten-free', 'low-calorie']],
  ['Steak Frites', ['gluten-free']],
  ['Falafel Wrap', ['vegetarian', 'dairy-free']],
  ['Spicy Ramen', ['spicy', 'dairy-free']],
];
const MENU_SIZE = 12;

/**
 * A menu of twelve dishes, each with what it is (vegetarian, spicy, ...) and - / + buttons for
 * how many; Place order ends the episode. The order asked is either "one of each" of two named
 * dishes (exactly those, one each) or a number of items of one kind (that many in all, every one
 * of that kind, any mix): +1 (time-discounted) when the order fits, -1 otherwise, within 20 s.
 * The official page was not at hand; this is its aim as reimplementations of it describe it.
 */
export const orderFood = defineTask({
  name: 'order-food',
  description: 'Order the dishes asked from a menu with quantity buttons, then place the order.',
  wave: 2,
  maxTime: 20,
  css: `
#menu { height: 128px; overflow-y: auto; font-size: 9px; }
#menu .menu-item { display: flex; align-items: center; padding: 1px 2px; border-bottom: 1px solid #ddd; }
#menu .item-text { flex: 1; }
#menu .item-name { font-weight: bold; display: block; }
#menu .item-tags { color: #666; }
#menu button { width: 16px; height: 16px; padding: 0; font-size: 10px; }
#menu .quantity { width: 14px; text-align: center; }
#place-order { margin: 4px 0 0 40px; }
`,
  generate(ctx) {
    const { doc, random } = ctx;
    const menu = random.sample(DISHES, MENU_SIZE);
    const quantities = menu.map(() => 0);
    let fits: () => boolean;
    if (random.chance(0.5)) {
      const [a, b] = random.sample(
        menu.map((_, i) => i),
        2,
      ) as [number, number];
      ctx.setUtterance(`Order one of each item: ${menu[a]![0]} and ${menu[b]![0]}.`);
      fits = () => quantities.every((q, i) => q === (i === a || i === b ? 1 : 0));
    } else {
      const type = random.pick(FOOD_TYPES.filter((t) => menu.some(([, types]) => types.includes(t))));
      const count = random.int(2, 4);
      ctx.setUtterance(`Order ${count} items that are ${type}.`);
      fits = () =>
        quantities.reduce((a, b) => a + b, 0) === count &&
        quantities.every((q, i) => q === 0 || menu[i]![1].includes(type));
    }
    const rows = menu.map(([name, types], i) => {
      const shown = h(doc, 'span', { class: 'quantity' }, 0);
      const change = (by: number) => () => {
        quantities[i] = Math.max(0, (quantities[i] as number) + by);
        shown.textContent = String(quantities[i]);
      };
      const remove = h(doc, 'button', { class: 'remove', 'aria-label': `Remove ${name}` }, '-');
      const add = h(doc, 'button', { class: 'add', 'aria-label': `Add ${name}` }, '+');
      remove.addEventListener('click', change(-1));
      add.addEventListener('click', change(1));
      const text = h(
        doc,
        'span',
        { class: 'item-text' },
        h(doc, 'span', { class: 'item-name' }, name),
        h(doc, 'span', { class: 'item-tags' }, types.join(', ')),
      );
      return h(doc, 'div', { class: 'menu-item' }, text, remove, shown, add);
    });
    const place = h(doc, 'button', { id: 'place-order' }, 'Place order');
    place.addEventListener('click', () => {
      if (fits()) ctx.succeed();
      else ctx.fail('the order does not fit what was asked');
    });
    ctx.area.append(h(doc, 'div', { id: 'menu' }, ...rows), place);
  },
});
