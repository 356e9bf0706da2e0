import { h } from '../core/dom.ts';

/** CSS for the pager: inline items, the current page in black, disabled arrows hidden. */
export const PAGINATION_CSS = `
#pagination { font-size: 15px; margin: 0; padding: 0; list-style: none; }
.pagination > li { display: inline; margin: 0 2px; }
.pagination a { color: #00e; text-decoration: underline; cursor: pointer; }
.page-item.active a { color: #000; text-decoration: none; }
.page-item.disabled { display: none; }
`;

export interface PaginationOptions {
  totalPages: number;
  /** How many page numbers show at once, in a window around the current page. */
  visiblePages: number;
  /** Called with the page (1-based) when it is shown, including the first one. */
  onPage(page: number): void;
}

/**
 * A pager like the Bootstrap pagination plugin the original pages use: `<` and `>` arrows around a
 * window of page numbers, as links in `ul#pagination > li.page-item > a.page-link`. Shows page 1.
 */
export function renderPagination(list: HTMLUListElement, options: PaginationOptions): void {
  const { totalPages, visiblePages, onPage } = options;
  const item = (label: string, page: number, className: string): HTMLLIElement => {
    const link = h(list.ownerDocument, 'a', { href: '#', class: 'page-link' }, label);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      show(page);
    });
    return h(list.ownerDocument, 'li', { class: `page-item ${className}`.trim() }, link);
  };
  const show = (page: number): void => {
    const first = Math.max(1, Math.min(page - Math.floor(visiblePages / 2), totalPages - visiblePages + 1));
    const numbers = Array.from({ length: Math.min(visiblePages, totalPages) }, (_, i) => first + i);
    list.replaceChildren(
      item('<', page - 1, page === 1 ? 'prev disabled' : 'prev'),
      ...numbers.map((n) => item(String(n), n, n === page ? 'active' : '')),
      item('>', page + 1, page === totalPages ? 'next disabled' : 'next'),
    );
    onPage(page);
  };
  list.classList.add('pagination');
  show(1);
}
