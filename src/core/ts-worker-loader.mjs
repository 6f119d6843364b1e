// Runs a worker module from its TypeScript source, named by the thread's last argument (see
// worker-file.ts). tsx is a development dependency: only a checkout of the repository runs from source.
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { default: handleTask } = await import(pathToFileURL(process.argv.at(-1)).href);
export default handleTask;
