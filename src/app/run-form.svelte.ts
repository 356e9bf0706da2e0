import { RunConfigSchema, withoutSecrets, type RunConfig } from '../train/config.ts';
import { runConfigProblems } from '../train/run-checks.ts';

const STORAGE_KEY = 'lab.train.config';

/** Where a field's problem is shown: the path of a config field ("rl.discount"), or the JSON box as a whole. */
export const JSON_SYNTAX = '(json)';

/**
 * The Train page's run configuration: one RunConfig edited by the form's fields or, whole, as JSON,
 * validated as the user types by the run's own schema and then by what a run checks before it starts
 * (tasks, seeds that leak into held-out goals, room for an action), with each problem kept under its
 * field's path so the page can show it beside the field and say why Start is off. The last
 * configuration is kept in localStorage, its LLM key blanked.
 */
export class RunForm {
  config = $state<RunConfig>(RunConfigSchema.parse({}));
  /** The JSON box's text, while it is open. */
  jsonText = $state('');
  jsonOpen = $state(false);
  /** The JSON box's problems, from its last Apply. */
  jsonProblems = $state.raw<Record<string, string>>({});
  /** Config path ("rl.discount", "(top level)", "(json)") -> what is wrong there, live. */
  readonly problems = $derived(this.jsonOpen ? this.jsonProblems : formProblems(this.config));

  constructor(private readonly storage: Storage | undefined = globalThis.localStorage) {
    const saved = this.readSaved();
    if (saved) this.config = saved;
  }

  /** The form's configuration when it can run; null while `problems` says what to fix. */
  validated(): RunConfig | null {
    if (Object.keys(formProblems(this.config)).length > 0) return null;
    return RunConfigSchema.parse(JSON.parse(JSON.stringify(this.config)));
  }

  openJson(): void {
    this.jsonText = JSON.stringify(withoutSecrets(this.config), null, 2);
    this.jsonProblems = {};
    this.jsonOpen = true;
  }

  closeJson(): void {
    this.jsonOpen = false;
    this.jsonProblems = {};
  }

  /** Takes the JSON box's configuration into the form when it is valid; else says what is wrong, by field. */
  applyJson(): boolean {
    let input: unknown;
    try {
      input = JSON.parse(this.jsonText);
    } catch (error) {
      this.jsonProblems = {
        [JSON_SYNTAX]: `This is not JSON (${error instanceof Error ? error.message : String(error)}): fix the syntax.`,
      };
      return false;
    }
    const parsed = RunConfigSchema.safeParse(input);
    if (!parsed.success) {
      this.jsonProblems = schemaProblems(parsed.error.issues);
      return false;
    }
    this.config = parsed.data;
    this.closeJson();
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

/** Field path -> its problems: the schema's first, then (for a configuration the schema takes) the run's own checks. */
export function formProblems(config: RunConfig): Record<string, string> {
  const parsed = RunConfigSchema.safeParse(JSON.parse(JSON.stringify(config)));
  if (!parsed.success) return schemaProblems(parsed.error.issues);
  const problems: Record<string, string> = {};
  for (const { field, message } of runConfigProblems(parsed.data)) {
    problems[field] = problems[field] ? `${problems[field]}; ${message}` : message;
  }
  return problems;
}

function schemaProblems(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    problems[path] = problems[path] ? `${problems[path]}; ${issue.message}` : issue.message;
  }
  return problems;
}

/** "rl.discount: must be at most 1", one per line, for the JSON box. */
export function problemLines(problems: Record<string, string>): string[] {
  return Object.entries(problems).map(([path, message]) => `${path}: ${message}`);
}
