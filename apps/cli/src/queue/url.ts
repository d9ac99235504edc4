/**
 * The --queue URL: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], or rediss:// for TLS. Checked
 * before anything connects; every message shows the URL masked: the password, and any query,
 * fragment or non-numeric path (where a password may have been put by mistake). The password may
 * instead come from the environment variable OPTIMLAB_REDIS_PASSWORD, which keeps it out of `ps`.
 */

/** The environment variable that holds the Redis password when the URL has none. */
export const PASSWORD_VARIABLE = 'OPTIMLAB_REDIS_PASSWORD';
import { UsageError } from '@optimlab/flags';

export interface QueueAddress {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
  /** The URL as it may be printed: the password replaced by ***. */
  readonly display: string;
}

const FORM = 'redis://[:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS)';

/** The URL's parts, or a UsageError naming what is wrong (never echoing a password). */
export function parseQueueUrl(raw: string, flag = '--queue'): QueueAddress {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${flag}: not a URL; give ${FORM}, e.g. redis://127.0.0.1:6379.`);
  }
  const display = mask(url);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError(`${flag} ${display}: the scheme must be redis:// or rediss:// (TLS); give ${FORM}.`);
  if (!url.hostname) throw new UsageError(`${flag} ${display}: no host; give ${FORM}.`);
  if (url.search || url.hash) throw new UsageError(`${flag} ${display}: query strings and fragments are not understood; give ${FORM}.`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  if (!/^\d{0,2}$/.test(path)) throw new UsageError(`${flag} ${display}: the path must be a database number (0–15); give ${FORM}.`);
  const db = path === '' ? 0 : Number(path);
  if (db > 15) throw new UsageError(`${flag} ${display}: database ${db} is out of range (0–15).`);
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new UsageError(`${flag} ${display}: the ${what} has a malformed %-escape; write % as %25.`);
    }
  };
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(url.username ? { username: decode(url.username, 'user name') } : {}),
    ...(url.password ? { password: decode(url.password, 'password') } : process.env[PASSWORD_VARIABLE] ? { password: process.env[PASSWORD_VARIABLE] } : {}),
    tls: url.protocol === 'rediss:',
    display,
  };
}

/** The URL as it may be printed: password, query, fragment and a path that is not a database number replaced by ***. */
function mask(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  if (copy.search) copy.search = '?***';
  if (copy.hash) copy.hash = '#***';
  if (!/^\/?\d{0,2}$/.test(copy.pathname)) copy.pathname = '/***';
  return copy.href.replace(/\/$/, '');
}

/** `text` with the address's password masked wherever it appears (for error messages from the driver). */
export function redact(text: string, address: Pick<QueueAddress, 'password'>): string {
  return address.password ? text.split(address.password).join('***') : text;
}
