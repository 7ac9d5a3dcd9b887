/**
 * `node:fs` for the browser: modules the light client shares with the node import a file reader or
 * two (loading a genesis file from disk) that a page never calls; calling one is a bug, said so.
 * Substituted by scripts/build-web.mjs.
 */
const unavailable = (name: string) => () => {
  throw new Error(`node:fs ${name} is not available in the browser`);
};
export const readFileSync = unavailable('readFileSync');
export const mkdirSync = unavailable('mkdirSync');
export const readdirSync = unavailable('readdirSync');
export const existsSync = unavailable('existsSync');
export const writeFileSync = unavailable('writeFileSync');
