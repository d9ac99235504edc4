import { describe, expect, it } from 'vitest';
import { parseQueueUrl, redact } from './url.js';

describe('parseQueueUrl', () => {
  it('reads host, port, database, credentials and TLS', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6380/2')).toEqual({ host: '127.0.0.1', port: 6380, db: 2, tls: false, display: 'redis://127.0.0.1:6380/2' });
    expect(parseQueueUrl('redis://queue.lab')).toMatchObject({ host: 'queue.lab', port: 6379, db: 0 });
    const secure = parseQueueUrl('rediss://alice:s%40cret@queue.lab:6390');
    expect(secure).toMatchObject({ username: 'alice', password: 's@cret', tls: true, port: 6390 });
    expect(secure.display).toBe('rediss://alice:***@queue.lab:6390');
    expect(parseQueueUrl('redis://:hunter2@[::1]:7000/1')).toMatchObject({ host: '::1', password: 'hunter2', db: 1 });
  });

  it.each([
    ['localhost:6379', /the scheme must be redis:\/\/ or rediss:\/\//],
    ['not a url', /not a URL/],
    ['http://127.0.0.1:6379', /the scheme must be/],
    ['redis://127.0.0.1:99999', /not a URL/],
    ['redis://127.0.0.1:6379/abc', /the path must be a database number/],
    ['redis://127.0.0.1:6379/16', /database 16 is out of range/],
    ['redis://127.0.0.1/0?tls=1', /query strings/],
    ['redis://:100%@127.0.0.1', /malformed %-escape; write % as %25/],
  ])('refuses %s with one line naming the fix', (url, message) => {
    expect(() => parseQueueUrl(url)).toThrow(message);
  });

  it('never echoes a password', () => {
    for (const url of ['redis://:hunter2@127.0.0.1:6379/abc', 'http://:hunter2@127.0.0.1', 'redis://:hunter2@127.0.0.1/0?x=1']) {
      expect(() => parseQueueUrl(url)).toThrow();
      try {
        parseQueueUrl(url);
      } catch (err) {
        expect((err as Error).message).not.toContain('hunter2');
      }
    }
    expect(redact('NOAUTH hunter2 rejected', { password: 'hunter2' })).toBe('NOAUTH *** rejected');
  });

  it('never echoes a password put in a query, a fragment, a path or a user name by mistake', () => {
    for (const url of ['redis://127.0.0.1:6379/?password=hunter2', 'redis://127.0.0.1:6379/0?auth=hunter2&x=1', 'redis://127.0.0.1/0#hunter2', 'redis://127.0.0.1/hunter2', 'redis://hunter2@127.0.0.1/0?a=hunter2']) {
      let message = '';
      try {
        parseQueueUrl(url);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, url).toMatch(/^--queue redis:\/\//);
      expect(message.replace(/^--queue redis:\/\/hunter2@/, ''), url).not.toContain('hunter2');
    }
  });

  it('takes the password from OPTIMLAB_REDIS_PASSWORD when the URL has none (the URL’s wins)', () => {
    process.env['OPTIMLAB_REDIS_PASSWORD'] = 'from-env';
    try {
      const a = parseQueueUrl('redis://127.0.0.1:6379');
      expect(a.password).toBe('from-env');
      expect(a.display).toBe('redis://127.0.0.1:6379');
      expect(parseQueueUrl('redis://:inline@127.0.0.1').password).toBe('inline');
    } finally {
      delete process.env['OPTIMLAB_REDIS_PASSWORD'];
    }
    expect(parseQueueUrl('redis://127.0.0.1:6379').password).toBeUndefined();
  });
});
