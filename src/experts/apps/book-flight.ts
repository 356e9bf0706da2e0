import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, byClass, firstElement, need, taskArea, textOf } from '../find.ts';
import { waitStep } from '../widgets/find-widgets.ts';
import { datepickerStep, dateIn } from './datepicker.ts';

/**
 * jQuery UI's autocomplete answers 300 ms after the last keystroke. The wait starts only once the
 * typing step has been observed, so waiting those 300 ms again always sees the answer.
 */
const SUGGESTION_WAIT_MS = 300;

interface FlightRequest {
  goal: 'cheapest' | 'shortest';
  from: string;
  to: string;
}

function readRequest(task: string, utterance: string): FlightRequest {
  const goal = /\b(cheapest|shortest)\b/.exec(utterance)?.[1];
  const route = /from:\s*(.+?)\s+to:\s*(.+?)\s+on\s+\d{2}\/\d{2}\/\d{4}/.exec(utterance);
  if (!goal || !route)
    throw new ExpertConfusedError(task, `cannot read the flight asked for in ${JSON.stringify(utterance)}`);
  return { goal: goal as FlightRequest['goal'], from: route[1] as string, to: route[2] as string };
}

/** An airport entry "City, ST (CODE)" is the one asked for by its city or by its code. */
const isAirport = (entry: string, asked: string): boolean =>
  entry.startsWith(`${asked} (`) || entry.endsWith(`(${asked})`);

const byId =
  (id: string) =>
  (e: ObsElement): boolean =>
    e.attributes.id === id;

/** Types the asked city or code, waits for the suggestions, and picks the entry that is that airport. */
function airportStep(view: StepView, field: ObsElement, asked: string, label: string): PolicyStep | null {
  if (isAirport(field.value ?? '', asked)) return null;
  const suggestion = allElements(view.observation.tree, byClass('ui-menu-item')).find((item) =>
    isAirport(textOf(item), asked),
  );
  if (suggestion)
    return { thought: `I pick "${textOf(suggestion)}" for ${label}.`, action: act.click(suggestion) };
  if (field.value === asked)
    return waitStep(
      view.history,
      `The ${label} suggestions have not appeared yet; I wait.`,
      SUGGESTION_WAIT_MS,
    );
  return { thought: `I type "${asked}" into ${label}.`, action: act.fill(field, asked) };
}

/** Durations read "5h 3m"; prices "Book flight for $412". */
function flightValue(card: ObsElement, goal: FlightRequest['goal']): number {
  if (goal === 'cheapest') {
    const price = firstElement(card, byClass('flight-price'));
    return Number(/\$(\d+)/.exec(price ? textOf(price) : '')?.[1] ?? Number.POSITIVE_INFINITY);
  }
  const duration = firstElement(card, byClass('time-duration'));
  const match = /(\d+)h (\d+)m/.exec(duration ? textOf(duration) : '');
  return match ? Number(match[1]) * 60 + Number(match[2]) : Number.POSITIVE_INFINITY;
}

function bookFlightStep(task: string, view: StepView, wrong: boolean): PolicyStep {
  const { observation } = view;
  const area = taskArea(observation.tree);
  const request = readRequest(task, observation.utterance);
  const cards = allElements(area, byClass('flight'));
  if (cards.length > 0) {
    const ranked = [...cards].sort((a, b) => flightValue(a, request.goal) - flightValue(b, request.goal));
    // The wrong answer: the most expensive (or longest) flight, unless every flight ties.
    const pick = (wrong ? ranked.at(-1) : ranked[0]) as ObsElement;
    const book = need(task, firstElement(pick, byClass('flight-price')), 'the Book button of a flight');
    return {
      thought: `I book the ${wrong ? 'worst' : request.goal} flight: ${textOf(book)}.`,
      action: act.click(book),
    };
  }
  const field = (id: string, what: string): ObsElement => need(task, firstElement(area, byId(id)), what);
  const step =
    airportStep(view, field('flight-from', 'the From field'), request.from, 'From') ??
    airportStep(view, field('flight-to', 'the To field'), request.to, 'To') ??
    datepickerStep(
      task,
      observation.tree,
      field('datepicker', 'the departure date field'),
      dateIn(task, observation.utterance),
    );
  if (step) return step;
  return {
    thought: 'Route and date are set; I search.',
    action: act.click(field('search', 'the Search button')),
  };
}

function bookFlightExpert(task: string): Expert {
  return {
    task,
    solve: (view) => bookFlightStep(task, view, false),
    wrong: (view) => bookFlightStep(task, view, true),
  };
}

export const bookFlightExperts: Expert[] = ['book-flight', 'book-flight-nodelay'].map(bookFlightExpert);
