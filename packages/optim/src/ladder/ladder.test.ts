/** The ladder: a run's result depends only on its optimizer and learning rate, and the race logic on hand values. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ladderData, type LadderData } from './problem.js';
import { OPTIMIZERS } from '../registry/registry.js';
import { LADDER, leaderboard, reviveRun, runLadderOne, stepsTo, type LadderRun } from './race.js';

let data: LadderData;
beforeAll(() => {
  data = ladderData();
});
afterAll(() => data.dispose());

describe('optimizer ladder', () => {
  it('races every registry optimizer', () => {
    expect(Object.keys(LADDER).sort()).toEqual(Object.keys(OPTIMIZERS).sort());
  });

  it('a run does not depend on which runs came before it (each has its own minibatch stream)', async () => {
    const alone = await runLadderOne(data, 'adamw', 1e-2, 30);
    await runLadderOne(data, 'sgd', 0.1, 30);
    const after = await runLadderOne(data, 'adamw', 1e-2, 30);
    expect(after.curve).toEqual(alone.curve);
    expect(alone.curve.at(-1)![0]).toBe(30);
    expect(alone.finalRelative).toBeLessThan(0.9); // it learns
  });

  it('interpolates the step where the target is first reached', () => {
    expect(stepsTo([[1, 1], [10, 0.5], [20, 0.01]], 0.03)).toBeCloseTo(10 + (0.47 / 0.49) * 10, 10);
    expect(stepsTo([[1, 0.02]], 0.03)).toBe(1);
    expect(stepsTo([[1, 1], [2, 0.5]], 0.03)).toBeNull();
  });

  it('ranks by steps to target, then by final relative loss, with each optimizer’s best learning rate', () => {
    const run = (optimizer: string, lr: number, finalRelative: number, stepsToTarget: number | null): LadderRun => ({ optimizer, lr, steps: 10, curve: [], finalRelative, stepsToTarget });
    const board = leaderboard([run('a', 1, 0.5, null), run('a', 2, 0.02, 9), run('b', 1, 0.01, 5), run('c', 1, 0.2, null), run('d', 1, 0.1, null)]);
    expect(board.map((r) => `${r.optimizer}@${r.lr}`)).toEqual(['b@1', 'a@2', 'd@1', 'c@1']);
  });

  it('a diverged run read back from JSON (Infinity written as null) never ranks best', () => {
    const diverged = JSON.parse(JSON.stringify({ optimizer: 'a', lr: 1, steps: 10, curve: [[1, 0.5], [10, Infinity]], finalRelative: Infinity, stepsToTarget: null })) as LadderRun;
    expect(diverged.finalRelative).toBeNull();
    const fine: LadderRun = { optimizer: 'a', lr: 0.1, steps: 10, curve: [[10, 0.2]], finalRelative: 0.2, stepsToTarget: null };
    expect(leaderboard([reviveRun(diverged), fine]).map((r) => r.lr)).toEqual([0.1]);
    expect(reviveRun(diverged).curve[1]![1]).toBe(Infinity);
  });
});
