/** `./testing` under Node's `node` export condition: the same helpers, with Dawn registered. */
import './node/dawn.js';

export * from './testing.js';
