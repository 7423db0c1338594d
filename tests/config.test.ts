// Config validation: defaults, the bot's variables, and errors that name the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config/index.js';

describe('config', () => {
  it('has working defaults without any variable (no token: terminal chat)', () => {
    const c = parseConfig({});
    expect(c.botToken).toBeUndefined();
    expect(c.allowedUserIds).toEqual([]);
    expect(c.telegramApiRoot).toBe('https://api.telegram.org');
    expect(c.resultsPerPage).toBe(3);
    expect(c.rateLimitPerMinute).toBe(20);
    expect(c.sessionTtlMinutes).toBe(720);
    expect(c.queryLogSalt).toBe('');
    expect(c.logLevel).toBe('info');
  });

  it('parses the bot variables', () => {
    const c = parseConfig({
      BOT_TOKEN: '123456:ABCdef_ghi-jklmnopqrstuvwxyz',
      ALLOWED_USER_IDS: '1, 2 3',
      ALLOWED_CHAT_IDS: '-1001234',
      ADMIN_USER_IDS: '7',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      RESULTS_PER_PAGE: '5',
      RATE_LIMIT_PER_MINUTE: '10',
      SESSION_TTL_MINUTES: '60',
      QUERY_LOG_SALT: 'pepper',
      LOG_LEVEL: 'debug',
    });
    expect(c.botToken).toBe('123456:ABCdef_ghi-jklmnopqrstuvwxyz');
    expect(c.allowedUserIds).toEqual([1, 2, 3]);
    expect(c.allowedChatIds).toEqual([-1001234]);
    expect(c.adminUserIds).toEqual([7]);
    expect(c.telegramApiRoot).toBe('http://127.0.0.1:8081'); // grammY refuses a trailing slash
    expect(c.resultsPerPage).toBe(5);
    expect(c.sessionTtlMinutes).toBe(60);
    expect(c.logLevel).toBe('debug');
  });

  it('treats an empty BOT_TOKEN as unset', () => {
    expect(parseConfig({ BOT_TOKEN: '' }).botToken).toBeUndefined();
  });

  const bad: [string, string][] = [
    ['BOT_TOKEN', 'not-a-token'],
    ['ALLOWED_USER_IDS', '12,abc'],
    ['ALLOWED_CHAT_IDS', '@channel'],
    ['ADMIN_USER_IDS', '1.5'],
    ['TELEGRAM_API_ROOT', 'localhost:8081'],
    ['RESULTS_PER_PAGE', '0'],
    ['RESULTS_PER_PAGE', 'three'],
    ['RATE_LIMIT_PER_MINUTE', '-1'],
    ['SESSION_TTL_MINUTES', '0'],
    ['LOG_LEVEL', 'verbose'],
    ['LEARNT_WORDS', '1.5'],
  ];
  for (const [name, value] of bad) {
    it(`rejects ${name}=${value} with a message naming ${name}`, () => {
      expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
    });
  }
});

describe('.env.example', () => {
  it('documents every variable of the config schema, each with a comment, and parses as is', async () => {
    const { readFileSync } = await import('node:fs');
    const { ROOT } = await import('../src/config/index.js');
    const source = readFileSync(`${ROOT}/src/config/index.ts`, 'utf8');
    const schema = source.slice(source.indexOf('const schema = z.object({'), source.indexOf('\n});', source.indexOf('const schema')));
    const names = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    const example = readFileSync(`${ROOT}/.env.example`, 'utf8').split('\n');
    const documented = new Map<string, string>();
    example.forEach((line, i) => {
      const m = line.match(/^([A-Z][A-Z0-9_]+)=(.*)$/);
      if (m) {
        expect(example[i - 1], `${m[1]} needs a comment line above it`).toMatch(/^# \S/);
        documented.set(m[1]!, m[2]!);
      }
    });
    expect(names.length).toBeGreaterThan(10);
    expect([...documented.keys()].sort()).toEqual([...names].sort());
    expect(() => parseConfig(Object.fromEntries(documented))).not.toThrow();
  });
});
