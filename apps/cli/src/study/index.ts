/** The studies `optimlab reproduce --study NAME` can run: a definition file (thesis) or a study file shipped in studies/. */
import { fileURLToPath } from 'node:url';
import type { StudyDefinition } from './engine.js';
import { readBuiltinStudy } from './file/read.js';
import { thesisStudy } from './thesis.js';

/** A study file of studies/, by name. */
const shipped = (name: string): StudyDefinition => readBuiltinStudy(fileURLToPath(new URL(`../../studies/${name}.yaml`, import.meta.url)));

export const STUDIES: Readonly<Record<string, StudyDefinition>> = {
  thesis: thesisStudy,
  robustness: shipped('robustness'),
};
