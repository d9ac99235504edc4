/** @optimlab/optim/ladder: the optimizer-genealogy race on a teacher–student MLP (Node or browser). */
export { initNet, ladderData, LADDER_BATCH, LADDER_DIMS, LADDER_SAMPLES, LADDER_TARGET, mse, net } from './problem.js';
export type { LadderData } from './problem.js';
export { bestPerOptimizer, LADDER, LADDER_STEPS, ladderSchedule, leaderboard, readingSteps, reviveRun, runLadderOne, stepsTo } from './race.js';
export type { LadderEntry, LadderRun, LadderRunCallbacks } from './race.js';
