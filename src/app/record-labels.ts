import type { DatasetRecord, RunRecord } from '../store/records.ts';
import { runConfigOf, teacherOf } from '../train/config.ts';

/**
 * One-line descriptions of stored runs and datasets for the lists. Their settings are read back
 * through train's schemas: a record that no longer reads says so instead of breaking the list.
 */

export function runSettingsLabel(run: RunRecord): string {
  try {
    const config = runConfigOf(run);
    // A branched run starts RL from its parent's checkpoint: its own SFT settings are never used.
    const sft = config.branch ? `branched at step ${config.branch.step}` : `SFT ${config.sft.steps}`;
    return `${config.model.preset} · ${config.env.split} · ${sft} · RL ${config.rl.iterations}`;
  } catch {
    return 'settings not readable (stored by another version of the lab)';
  }
}

export function teacherLabel(dataset: DatasetRecord): string {
  try {
    const teacher = teacherOf(dataset);
    const who =
      teacher.kind === 'expert' ? `experts, error rate ${teacher.errorRate}` : `LLM ${teacher.llm.model}`;
    return `${who} · ${dataset.split} · seeds ${teacher.seeds}`;
  } catch {
    return `teacher not readable · ${dataset.split}`;
  }
}
