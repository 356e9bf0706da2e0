import { RunConfigSchema, withoutSecrets, type RunConfig } from '../train/config.ts';

const STORAGE_KEY = 'lab.train.config';

/** Where a field's problem is shown: the path of a config field ("rl.discount"), or the JSON box as a whole. */
export const JSON_SYNTAX = '(json)';

/**
 * The Train page's run configuration: one RunConfig edited by the form's fields or, whole, as JSON,
 * validated by the run's own schema with each problem kept under its field's path so the page can
 * show it beside the field. The last configuration is kept in localStorage, its LLM key blanked.
 */
export class RunForm {
  config = $state<RunConfig>(RunConfigSchema.parse({}));
  /** The JSON box's text, while it is open. */
  jsonText = $state('');
  jsonOpen = $state(false);
  /** Config path ("rl.discount", "(top level)", "(json)") -> what is wrong there. */
  problems = $state.raw<Record<string, string>>({});

  constructor(private readonly storage: Storage | undefined = globalThis.localStorage) {
    const saved = this.readSaved();
    if (saved) this.config = saved;
  }

  /** The form's configuration checked against the schema; null (and `problems` filled) if it is not valid. */
  validated(): RunConfig | null {
    return this.check(JSON.parse(JSON.stringify(this.config)) as unknown);
  }

  openJson(): void {
    this.jsonText = JSON.stringify(withoutSecrets(this.config), null, 2);
    this.problems = {};
    this.jsonOpen = true;
  }

  /** Takes the JSON box's configuration into the form when it is valid; else says what is wrong, by field. */
  applyJson(): boolean {
    let input: unknown;
    try {
      input = JSON.parse(this.jsonText);
    } catch (error) {
      this.problems = {
        [JSON_SYNTAX]: `This is not JSON (${error instanceof Error ? error.message : String(error)}): fix the syntax.`,
      };
      return false;
    }
    const config = this.check(input);
    if (!config) return false;
    this.config = config;
    this.jsonOpen = false;
    this.save();
    return true;
  }

  save(): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(withoutSecrets(this.config)));
    } catch {
      // A full localStorage only costs the remembered form, never a run.
    }
  }

  private check(input: unknown): RunConfig | null {
    const parsed = RunConfigSchema.safeParse(input);
    if (parsed.success) {
      this.problems = {};
      return parsed.data;
    }
    const problems: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      problems[path] = problems[path] ? `${problems[path]}; ${issue.message}` : issue.message;
    }
    this.problems = problems;
    return null;
  }

  private readSaved(): RunConfig | null {
    try {
      const text = this.storage?.getItem(STORAGE_KEY);
      if (!text) return null;
      const parsed = RunConfigSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}

/** "rl.discount: must be at most 1", one per line, for the JSON box. */
export function problemLines(problems: Record<string, string>): string[] {
  return Object.entries(problems).map(([path, message]) => `${path}: ${message}`);
}
