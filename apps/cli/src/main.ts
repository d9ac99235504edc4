/** The `optimlab` process: runs the command, frees the GPU, exits with the command's code. */
import { destroyDevice } from '@optimlab/tensor-wgpu';
import { cli } from './cli.js';
import { signalHandler } from './context.js';

process.on('SIGINT', () => {
  if (signalHandler.current) return signalHandler.current('SIGINT');
  console.error('\ninterrupted: finished runs are saved; run the same command again to resume.');
  process.exit(130);
});
process.on('SIGTERM', () => (signalHandler.current ? signalHandler.current('SIGTERM') : process.exit(143)));

try {
  process.exitCode = await cli(process.argv.slice(2));
} finally {
  await destroyDevice();
}
