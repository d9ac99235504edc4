/** Writes study-file.schema.json (the published JSON Schema of study files) from the zod schema: `pnpm --filter @optimlab/cli schema`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { studyFileJsonSchema } from './schema.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../../../study-file.schema.json', import.meta.url));
export const schemaText = (): string => `${JSON.stringify(studyFileJsonSchema(), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, schemaText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
