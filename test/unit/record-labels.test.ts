import { describe, expect, it } from 'vitest';
import { runSettingsLabel } from '../../src/app/record-labels.ts';
import type { RunRecord } from '../../src/store/records.ts';

const stored = (config: object): RunRecord => ({ name: 'a run', config }) as unknown as RunRecord;

describe("the run list's settings label", () => {
  it('gives a fresh run its SFT steps and RL iterations', () => {
    const run = stored({ model: { preset: 'nano' }, env: { split: 'micro' }, sft: { steps: 200 } });
    expect(runSettingsLabel(run)).toBe('nano · micro · SFT 200 · RL 0');
  });

  it('gives a branched run its branch point, not SFT settings it never uses', () => {
    const run = stored({
      model: { preset: 'nano' },
      env: { split: 'micro' },
      sft: { steps: 200 },
      rl: { iterations: 15 },
      branch: { runId: 'parent', step: 300 },
    });
    expect(runSettingsLabel(run)).toBe('nano · micro · branched at step 300 · RL 15');
  });

  it('says so when the stored settings do not read', () => {
    expect(runSettingsLabel(stored({ sft: { steps: 'many' } }))).toMatch(/settings not readable/);
  });
});
