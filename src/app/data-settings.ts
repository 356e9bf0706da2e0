import { FIRST_MERGE_ID } from '../agent/tokenizer.ts';
import { findExpert } from '../experts/registry.ts';
import { modelConfig, PRESET_NAMES, type PresetName } from '../model/config.ts';
import {
  EnvSettingsSchema,
  TeacherSettingsSchema,
  type EnvSettings,
  type TeacherSettings,
} from '../train/config.ts';
import { trainingSeeds, trainingTasks } from '../train/traces.ts';
import type { CollectSettings } from '../train/traces.ts';

/**
 * The Data page's form: who teaches, on which tasks and seeds, what the pages show. Kept in
 * localStorage between visits, except the LLM key, which lives only in sessionStorage (this tab)
 * and never reaches IndexedDB or an export.
 */
export interface DataForm {
  name: string;
  teacherKind: TeacherSettings['kind'];
  errorRate: number;
  baseUrl: string;
  model: string;
  temperature: number;
  maxTokens: number;
  /** The teacher's size for its FLOPs; null: the paper's ratio times the student. */
  teacherParameters: number | null;
  split: EnvSettings['split'];
  /** Training tasks of the split to play; empty: all of them. */
  tasks: string[];
  seeds: string;
  observationFormat: EnvSettings['observationFormat'];
  maxSteps: number;
  keepOnlySuccessful: boolean;
  /** Iframes side by side. */
  poolSize: number;
  /** The student the teacher's FLOPs are compared to (the paper's ratio). */
  studentPreset: PresetName;
}

const FORM_KEY = 'lab.data.settings';
const KEY_KEY = 'lab.data.llmApiKey';

export const DEFAULT_DATA_FORM: DataForm = {
  name: '',
  teacherKind: 'expert',
  errorRate: 0,
  baseUrl: 'http://localhost:8000/v1',
  model: '',
  temperature: 0,
  maxTokens: 256,
  teacherParameters: null,
  split: 'micro',
  tasks: [],
  seeds: '3-22',
  observationFormat: 'axtree',
  maxSteps: 10,
  keepOnlySuccessful: true,
  poolSize: 4,
  studentPreset: 'nano',
};

export function loadDataForm(storage: Storage | undefined = globalThis.localStorage): DataForm {
  try {
    const saved = JSON.parse(storage?.getItem(FORM_KEY) ?? '{}') as Partial<DataForm>;
    const form = { ...DEFAULT_DATA_FORM, ...saved };
    return PRESET_NAMES.includes(form.studentPreset) ? form : { ...form, studentPreset: 'nano' };
  } catch {
    return { ...DEFAULT_DATA_FORM };
  }
}

export function saveDataForm(form: DataForm, storage: Storage | undefined = globalThis.localStorage): void {
  storage?.setItem(FORM_KEY, JSON.stringify(form));
}

/** The LLM key of this tab (sessionStorage: gone when the tab closes, never in IndexedDB). */
export function loadApiKey(storage: Storage | undefined = globalThis.sessionStorage): string {
  return storage?.getItem(KEY_KEY) ?? '';
}

export function saveApiKey(key: string, storage: Storage | undefined = globalThis.sessionStorage): void {
  if (key === '') storage?.removeItem(KEY_KEY);
  else storage?.setItem(KEY_KEY, key);
}

/** A training task of the split as the form lists it. */
export interface TaskChoice {
  name: string;
  /** The scripted teacher can play it. */
  hasExpert: boolean;
}

export function splitTaskChoices(split: EnvSettings['split']): TaskChoice[] {
  const env = EnvSettingsSchema.parse({ split });
  return trainingTasks(env).map((name) => ({ name, hasExpert: findExpert(name) !== undefined }));
}

/** The form as collectTraces' settings, or the problems of each field (keyed by the form's field names). */
export function collectSettings(
  form: DataForm,
  apiKey: string,
): { settings: CollectSettings; problems: null } | { settings: null; problems: Record<string, string> } {
  const teacher = TeacherSettingsSchema.safeParse({
    kind: form.teacherKind,
    errorRate: form.errorRate,
    seeds: form.seeds.trim(),
    keepOnlySuccessful: form.keepOnlySuccessful,
    llm: {
      baseUrl: form.baseUrl.trim(),
      model: form.model.trim(),
      apiKey,
      temperature: form.temperature,
      maxTokens: form.maxTokens,
    },
    parameters: form.teacherParameters,
  });
  const env = EnvSettingsSchema.safeParse({
    split: form.split,
    tasks: form.tasks,
    observationFormat: form.observationFormat,
    maxSteps: form.maxSteps,
    poolSize: form.poolSize,
  });
  const problems: Record<string, string> = {};
  const formField: Record<string, string> = {
    'llm.baseUrl': 'baseUrl',
    'llm.model': 'model',
    'llm.temperature': 'temperature',
    'llm.maxTokens': 'maxTokens',
    parameters: 'teacherParameters',
    kind: 'teacherKind',
  };
  for (const issue of [...(teacher.error?.issues ?? []), ...(env.error?.issues ?? [])]) {
    const path = issue.path.join('.');
    problems[formField[path] ?? path] = issue.message;
  }
  if (form.teacherKind === 'llm' && form.model.trim() === '') {
    problems.model = 'name the model the endpoint serves (e.g. the id its /v1/models lists)';
  }
  if (teacher.success && problems.seeds === undefined) {
    try {
      trainingSeeds(teacher.data.seeds, 'teacher.seeds');
    } catch (error) {
      problems.seeds = error instanceof Error ? error.message : String(error);
    }
  }
  if (!teacher.success || !env.success || Object.keys(problems).length > 0)
    return { settings: null, problems };
  const student = modelConfig(form.studentPreset, { vocabSize: FIRST_MERGE_ID });
  return {
    settings: {
      teacher: teacher.data,
      env: env.data,
      studentShape: student,
      studentLabel: form.studentPreset,
      ...(form.name.trim() ? { name: form.name.trim() } : {}),
    },
    problems: null,
  };
}
