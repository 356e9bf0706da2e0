import { describe, expect, it } from 'vitest';
import { diagnosisOf } from '../../src/app/results-diagnosis.ts';
import { fixtureSummary } from './report-fixtures.ts';

describe('the Results page diagnosis', () => {
  it('names the recommended values with their pooled win rates', () => {
    expect(diagnosisOf(fixtureSummary(), 'goals').recommended).toEqual([
      { hyperparameter: 'learning_rate', value: '0.0003', winRate: 0.7 },
      { hyperparameter: 'temperature', value: '0.7', winRate: 0.55 },
    ]);
  });

  it('says the compute SFT+RL needs to match pure SFT, or that it never does, or that there is nothing to match', () => {
    const summary = fixtureSummary();
    expect(diagnosisOf(summary, 'goals').computeToMatch).toBe(
      "SFT+RL reaches pure SFT's peak of 45% (reached with 4e9 FLOPs) with 3e9 FLOPs, 75% of SFT's compute.",
    );
    expect(diagnosisOf(summary, 'tasks').computeToMatch).toBe(
      'No finished SFT-only run and SFT+RL run to compare at matched compute.',
    );
    summary.compute_to_match_sft.goals = {
      sft_peak: 0.45,
      sft_peak_flops: 4e9,
      sft_rl_flops: null,
      fraction: null,
    };
    expect(diagnosisOf(summary, 'goals').computeToMatch).toBe(
      "No SFT+RL run reaches pure SFT's peak of 45% (reached with 4e9 FLOPs).",
    );
  });

  it('lists the coverage warnings of the held-out set shown, each with its SFT amount', () => {
    const summary = fixtureSummary();
    summary.by_sft_amount[1]!.coverage.push({
      hyperparameter: 'temperature',
      value: '1',
      runs: 1,
      message: 'temperature=1 has 1 run',
    });
    expect(diagnosisOf(summary, 'goals').thin).toEqual(['SFT amount 100: temperature=1 has 1 run']);
    expect(diagnosisOf(summary, 'tasks').thin).toEqual([]);
  });
});
