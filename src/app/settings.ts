import { DEFAULT_ENV_OPTIONS, type EnvOptions } from '../env/env.ts';
import type { ObservationFormat } from '../env/observation.ts';

/** The Tasks page's environment settings, kept in localStorage between visits. */
export interface TaskSettings {
  format: ObservationFormat;
  maxSteps: number;
  successRule: EnvOptions['successRule'];
  timeLimit: EnvOptions['timeLimit'];
  /** How much the 160x210 task page is enlarged on screen. */
  frameScale: number;
  /** The task and seed last opened, reopened on the next visit. */
  taskKey: string | null;
  seed: number;
}

const STORAGE_KEY = 'lab.tasks.settings';

export const DEFAULT_TASK_SETTINGS: TaskSettings = {
  format: DEFAULT_ENV_OPTIONS.format,
  maxSteps: DEFAULT_ENV_OPTIONS.maxSteps,
  successRule: DEFAULT_ENV_OPTIONS.successRule,
  timeLimit: DEFAULT_ENV_OPTIONS.timeLimit,
  frameScale: 2,
  taskKey: null,
  seed: 0,
};

export function loadTaskSettings(storage: Storage | undefined = globalThis.localStorage): TaskSettings {
  try {
    const saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as Partial<TaskSettings>;
    return { ...DEFAULT_TASK_SETTINGS, ...saved };
  } catch {
    return { ...DEFAULT_TASK_SETTINGS };
  }
}

export function saveTaskSettings(
  settings: TaskSettings,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  storage?.setItem(STORAGE_KEY, JSON.stringify(settings));
}

/** The env options these settings stand for (a new episode picks them up). */
export function envOptions(settings: TaskSettings): Partial<EnvOptions> {
  return {
    format: settings.format,
    maxSteps: Math.max(1, Math.floor(settings.maxSteps) || DEFAULT_ENV_OPTIONS.maxSteps),
    successRule: settings.successRule,
    timeLimit: settings.timeLimit,
  };
}
