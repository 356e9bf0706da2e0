import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, firstElement, need, taskArea, textOf } from '../find.ts';
import { byClass, found, hasClass, parse, submitControl } from './page.ts';

/** The class of the control behind each action label the instructions use. */
const ACTION_CLASSES: Record<string, string> = {
  Reply: 'reply',
  Retweet: 'retweet',
  Like: 'like',
  Share: 'share',
  'Share via DM': 'share',
  'Copy link to Tweet': 'copy',
  'Embed Tweet': 'embed',
  Mute: 'menu-user',
  Block: 'block-user',
  Report: 'report',
};
const DIRECT = ['reply', 'retweet', 'like'];

/** The posts (`.media` cards) whose @username is `user`. */
function postsBy(area: ObsElement, user: string): ObsElement[] {
  return allElements(area, byClass('media')).filter((post) => {
    const username = firstElement(post, byClass('username'));
    return username !== undefined && textOf(username) === user;
  });
}

function control(task: string, post: ObsElement, className: string): ObsElement {
  return need(task, firstElement(post, byClass(className)), `the ${className} control of a post`);
}

/** Clicks the action on the user's first post, opening its "more" menu first for menu actions. */
function socialMediaStep({ observation }: StepView, wrong: boolean): PolicyStep {
  const [user = '', label = ''] = parse(
    'social-media',
    observation.utterance,
    /For the user (\S+), click on the "(.+)" button/,
  );
  const wanted = found('social-media', ACTION_CLASSES[label], `an action "${label}"`);
  const post = need('social-media', postsBy(taskArea(observation.tree), user)[0], `a post by ${user}`);
  // The wrong answer: another icon on the same post.
  const action = wrong ? (DIRECT.find((c) => c !== wanted) as string) : wanted;
  const target = firstElement(post, byClass(action));
  if (!target && !DIRECT.includes(action)) {
    return {
      thought: `"${label}" is in the post's menu; I open it.`,
      action: act.click(control('social-media', post, 'more')),
    };
  }
  const clicked = target ?? control('social-media', post, action);
  return {
    thought: `I click "${wrong ? action : label}" on the post by ${user}.`,
    action: act.click(clicked),
  };
}

export const socialMediaExpert: Expert = {
  task: 'social-media',
  solve: (view) => socialMediaStep(view, false),
  wrong: (view) => socialMediaStep(view, true),
};

/** Marks the action on the user's posts until `count` are active (all of them for -all), then submits. */
function markStep(task: string, { observation }: StepView): PolicyStep {
  const [label = '', amount = '', user = ''] = parse(
    task,
    observation.utterance,
    /Click the "(.+)" button on (all|\d+) posts? by (\S+) and then click Submit/,
  );
  const area = taskArea(observation.tree);
  const className = ACTION_CLASSES[label] ?? label.toLowerCase();
  const icons = postsBy(area, user).map((post) => control(task, post, className));
  const wanted = amount === 'all' ? icons.length : Number(amount);
  const marked = icons.filter((icon) => hasClass(icon, 'active')).length;
  const next = icons.find((icon) => !hasClass(icon, 'active'));
  if (marked < wanted && next) {
    return {
      thought: `${marked} of ${wanted} posts by ${user} have "${label}" on; I click the next one.`,
      action: act.click(next),
    };
  }
  return {
    thought: `${wanted} posts by ${user} are marked; I submit.`,
    action: act.click(submitControl(task, area, ['Submit'])),
  };
}

function submitAtOnce(task: string, { observation }: StepView): PolicyStep {
  return {
    thought: 'I submit without marking any post.',
    action: act.click(submitControl(task, taskArea(observation.tree), ['Submit'])),
  };
}

export const socialMediaAllExpert: Expert = {
  task: 'social-media-all',
  solve: (view) => markStep('social-media-all', view),
  wrong: (view) => submitAtOnce('social-media-all', view),
};

export const socialMediaSomeExpert: Expert = {
  task: 'social-media-some',
  solve: (view) => markStep('social-media-some', view),
  wrong: (view) => submitAtOnce('social-media-some', view),
};
