/** The studies `optimlab reproduce --study NAME` can run: one definition file each. */
import type { StudyDefinition } from './engine.js';
import { robustnessStudy } from './robustness.js';
import { thesisStudy } from './thesis.js';

export const STUDIES: Readonly<Record<string, StudyDefinition>> = {
  thesis: thesisStudy,
  robustness: robustnessStudy,
};
