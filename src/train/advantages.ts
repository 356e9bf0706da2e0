/**
 * Returns and advantages of multi-turn GRPO (PAPER.md, pipeline step 4): for each goal the student
 * plays a group of episodes, each ends with a reward r in {-1, +1}, and every step of an episode is
 * credited with a discounted share of its episode's group-relative advantage. The knobs carry the
 * paper's names: `discount`, `groupedAdvantage`, `stdNormalizedAdvantage`; zero-advantage filtering
 * (`zeroAdvantageFiltering`) uses `isZeroAdvantage` to drop the tokens these functions make 0.
 */

/** G_t = r_t + discount * G_{t+1} */
export function discountedReturns(rewards: readonly number[], discount: number): number[] {
  const returns = new Array<number>(rewards.length);
  let following = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    following = (rewards[t] as number) + discount * following;
    returns[t] = following;
  }
  return returns;
}

/** The paper's advantage knobs (RunConfig.rl). */
export interface AdvantageOptions {
  readonly discount: number;
  readonly groupedAdvantage: boolean;
  readonly stdNormalizedAdvantage: boolean;
}

/**
 * Multi-turn GRPO advantages for one group (the episodes of one goal). Each episode i ends with
 * reward r_i in {-1, +1}. Episode advantage a_i = r_i - mean(r) when groupedAdvantage (else r_i),
 * divided by std(r) (population std) when stdNormalizedAdvantage and std(r) > 0 (a group with std 0
 * keeps a_i unchanged). Step t of an episode of T steps gets the discounted advantage
 * a_i * discount^(T-1-t), as the final reward's discounted return. So all-success and all-failure
 * groups get advantage 0 everywhere when grouped (what zero-advantage filtering drops).
 * Returns advantages[i][t].
 *
 * How this reads the paper. The paper gives two sentences: "A = (r - mean of the group) / std of
 * the group", and "reward at the end of an episode; earlier steps get the discounted return". We
 * apply the group statistics to the episode's one reward, then spread the episode's advantage over
 * its steps as a return is spread: the last step gets a_i, each earlier step discount times the
 * next. The other reading (normalise every step's discounted return against the group's returns at
 * that step) was rejected because it would not make an all-success or all-failure group zero
 * (episodes of different lengths have different returns), yet the paper's zero-advantage filtering
 * is described as dropping exactly those groups. With this reading a group that cannot tell a
 * better action from a worse one contributes no gradient, as the paper implies.
 */
export function groupAdvantages(
  group: readonly { reward: number; steps: number }[],
  options: AdvantageOptions,
): number[][] {
  const { discount, groupedAdvantage, stdNormalizedAdvantage } = options;
  if (!(discount >= 0 && discount <= 1)) {
    throw new Error(`discount must be in [0, 1] (got ${discount}).`);
  }
  group.forEach(({ reward, steps }, i) => {
    if (!Number.isFinite(reward))
      throw new Error(`Episode ${i} of the group has reward ${reward}, not a number.`);
    if (!Number.isInteger(steps) || steps < 0) {
      throw new Error(`Episode ${i} of the group has ${steps} steps: give a non-negative integer.`);
    }
  });
  if (group.length === 0) return [];

  const rewards = group.map((episode) => episode.reward);
  const mean = rewards.reduce((sum, r) => sum + r, 0) / rewards.length;
  const variance = rewards.reduce((sum, r) => sum + (r - mean) ** 2, 0) / rewards.length;
  const std = Math.sqrt(variance);

  return group.map(({ reward, steps }) => {
    let advantage = groupedAdvantage ? reward - mean : reward;
    if (stdNormalizedAdvantage && std > 0) advantage /= std;
    const rewardAtEnd = new Array<number>(steps).fill(0);
    if (steps > 0) rewardAtEnd[steps - 1] = advantage;
    return discountedReturns(rewardAtEnd, discount);
  });
}

/** |a| below 1e-9. */
export function isZeroAdvantage(advantage: number): boolean {
  return Math.abs(advantage) < 1e-9;
}
