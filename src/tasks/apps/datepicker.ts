import { h, setVisible } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import type { TaskContext } from '../core/task.ts';

/** A day of the calendar; `month` counts from 0 (January) as JavaScript's Date does. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

// prettier-ignore
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November',
  'December',
];
const WEEKDAYS = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];
/** jQuery UI's default fade-in when the calendar opens ("normal" speed). */
export const DATEPICKER_FADE_MS = 400;

const utc = (d: CalendarDate): number => Date.UTC(d.year, d.month, d.day);
const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
const monthIndex = (d: { year: number; month: number }): number => d.year * 12 + d.month;

/** The datepicker's text format, mm/dd/yyyy with leading zeros (jQuery UI's default). */
export function formatDate(d: CalendarDate): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.month + 1)}/${pad(d.day)}/${d.year}`;
}

/** A day drawn uniformly from `min` to `max` inclusive. */
export function randomDate(random: Random, min: CalendarDate, max: CalendarDate): CalendarDate {
  const days = Math.round((utc(max) - utc(min)) / 86_400_000);
  const date = new Date(utc(min) + random.int(0, days) * 86_400_000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth(), day: date.getUTCDate() };
}

export const DATEPICKER_CSS = `
#ui-datepicker-div { position: absolute; top: 62px; left: 4px; width: 150px; background: #fff; border: 1px solid #aaa;
  font-size: 8px; z-index: 20; padding: 2px; box-sizing: border-box; }
.ui-datepicker-header { position: relative; background: #e9e9e9; padding: 2px 0; text-align: center; font-weight: bold; }
.ui-datepicker-prev, .ui-datepicker-next { position: absolute; top: 2px; cursor: pointer; }
.ui-datepicker-prev { left: 2px; }
.ui-datepicker-next { right: 2px; }
.ui-datepicker .ui-state-disabled { opacity: 0.35; cursor: default; }
.ui-datepicker-calendar { width: 100%; border-collapse: collapse; }
.ui-datepicker-calendar td { text-align: right; padding: 0; }
.ui-datepicker-calendar a, .ui-datepicker-calendar span.ui-state-default { display: block; padding: 1px; border: 1px solid #c5c5c5; background: #f6f6f6; color: #454545; text-decoration: none; }
.ui-datepicker-calendar a.ui-state-active { background: #007fff; color: #fff; }
`;

/** The page-wide listener that closes whichever calendar is open when a click lands outside it. */
const closeOutside = new WeakMap<Document, (target: Node) => void>();

/**
 * A jQuery-UI-like datepicker on a read-only text field, built as the official pages' widget is:
 * `#ui-datepicker-div` on the page body with a header (`.ui-datepicker-prev`, `.ui-datepicker-next`,
 * `.ui-datepicker-month`, `.ui-datepicker-year`) and a `table.ui-datepicker-calendar` of day links.
 * Focusing or clicking the field opens it on the month of the chosen day, or else on the last month
 * of the range (where the official widget opens, its 2016 range being in the past); a day click
 * writes mm/dd/yyyy into the field and closes it. Days and months outside the range are disabled.
 */
export function attachDatepicker(
  ctx: TaskContext,
  input: HTMLInputElement,
  range: { min: CalendarDate; max: CalendarDate; fade: boolean },
): void {
  const { doc } = ctx;
  doc.getElementById('ui-datepicker-div')?.remove();
  const picker = h(doc, 'div', {
    id: 'ui-datepicker-div',
    class: 'ui-datepicker ui-widget ui-widget-content ui-helper-clearfix ui-corner-all',
  });
  setVisible(picker, false);
  doc.body.append(picker);
  let selected: CalendarDate | null = null;
  let shown = { year: range.max.year, month: range.max.month };

  const step = (delta: number): void => {
    const index = monthIndex(shown) + delta;
    if (index < monthIndex(range.min) || index > monthIndex(range.max)) return;
    shown = { year: Math.floor(index / 12), month: index % 12 };
    render();
  };
  const navButton = (kind: 'prev' | 'next', label: string, enabled: boolean): HTMLElement => {
    const button = h(
      doc,
      'a',
      { class: `ui-datepicker-${kind} ui-corner-all${enabled ? '' : ' ui-state-disabled'}`, title: label },
      h(doc, 'span', { class: `ui-icon ui-icon-circle-triangle-${kind === 'prev' ? 'w' : 'e'}` }, label),
    );
    button.addEventListener('click', () => step(kind === 'prev' ? -1 : 1));
    return button;
  };
  const dayCell = (day: number): HTMLElement => {
    const date = { ...shown, day };
    if (utc(date) < utc(range.min) || utc(date) > utc(range.max)) {
      return h(
        doc,
        'td',
        { class: 'ui-datepicker-unselectable ui-state-disabled' },
        h(doc, 'span', { class: 'ui-state-default' }, day),
      );
    }
    const active = selected !== null && utc(selected) === utc(date);
    const link = h(
      doc,
      'a',
      { class: `ui-state-default${active ? ' ui-state-active' : ''}`, href: '#' },
      day,
    );
    const cell = h(
      doc,
      'td',
      { 'data-handler': 'selectDay', 'data-month': shown.month, 'data-year': shown.year },
      link,
    );
    link.addEventListener('click', (event) => {
      event.preventDefault();
      selected = date;
      input.value = formatDate(date);
      input.dispatchEvent(new (doc.defaultView as Window & typeof globalThis).Event('change'));
      close();
    });
    return cell;
  };
  const render = (): void => {
    const first = new Date(Date.UTC(shown.year, shown.month, 1)).getUTCDay();
    const cells: HTMLElement[] = Array.from({ length: first }, () =>
      h(doc, 'td', { class: 'ui-datepicker-other-month ui-datepicker-unselectable ui-state-disabled' }),
    );
    for (let day = 1; day <= daysIn(shown.year, shown.month); day++) cells.push(dayCell(day));
    const rows: HTMLElement[] = [];
    for (let i = 0; i < cells.length; i += 7) rows.push(h(doc, 'tr', {}, ...cells.slice(i, i + 7)));
    picker.replaceChildren(
      h(
        doc,
        'div',
        { class: 'ui-datepicker-header ui-widget-header ui-helper-clearfix ui-corner-all' },
        navButton('prev', 'Prev', monthIndex(shown) > monthIndex(range.min)),
        navButton('next', 'Next', monthIndex(shown) < monthIndex(range.max)),
        h(
          doc,
          'div',
          { class: 'ui-datepicker-title' },
          h(doc, 'span', { class: 'ui-datepicker-month' }, MONTHS[shown.month]),
          ' ',
          h(doc, 'span', { class: 'ui-datepicker-year' }, shown.year),
        ),
      ),
      h(
        doc,
        'table',
        { class: 'ui-datepicker-calendar' },
        h(
          doc,
          'thead',
          {},
          h(doc, 'tr', {}, ...WEEKDAYS.map((d) => h(doc, 'th', {}, h(doc, 'span', {}, d)))),
        ),
        h(doc, 'tbody', {}, ...rows),
      ),
    );
  };
  const open = (): void => {
    if (picker.style.display !== 'none') return;
    if (selected) shown = { year: selected.year, month: selected.month };
    render();
    setVisible(picker, true);
    if (range.fade) {
      // Inline, not a CSS animation: a DOM implementation's style lookups slow down with every rule.
      picker.style.transition = '';
      picker.style.opacity = '0';
      ctx.setTimeout(() => {
        picker.style.transition = `opacity ${DATEPICKER_FADE_MS}ms`;
        picker.style.opacity = '1';
      }, 0);
    }
  };
  const close = (): void => setVisible(picker, false);

  input.addEventListener('focus', open);
  input.addEventListener('click', open);
  if (!closeOutside.has(doc))
    doc.addEventListener('mousedown', (event) => closeOutside.get(doc)?.(event.target as Node));
  closeOutside.set(doc, (target) => {
    if (target !== input && !picker.contains(target)) close();
  });
}
