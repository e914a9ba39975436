/**
 * The chat page on a room spread over two servers joined through a real redis-server: two pages on
 * two ports talk and whisper as if in one room; when Redis goes away both pages say the room is
 * degraded, a message sent meanwhile arrives once Redis is back, and the pages say so.
 * Screenshot (npm run screenshots): docs/screenshots/chat-degraded.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../server/chat/redis-store';
import { createChatEndpoint, type ChatEndpoint } from '../../server/endpoints/chat';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { describeRedis, TestRedis } from '../helpers/redis';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

const screenshots = screenshotDir;

interface Running {
  server: FramescopeServer;
  chat: ChatEndpoint;
  port: number;
}

async function start(redis: TestRedis): Promise<Running> {
  const chat = createChatEndpoint({ store: new RedisStore({ url: redis.url, maxBackoffMs: 500 }) });
  await chat.ready;
  const server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0, endpoints: { '/chat': chat } });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, chat, port };
}

function log(page: Page) {
  return page.getByRole('log', { name: 'Messages' });
}

async function join(page: Page, name: string): Promise<void> {
  const nickname = page.getByLabel('Nickname');
  await expect.poll(() => nickname.inputValue()).toMatch(/^guest-[0-9a-f]{4}$/);
  await nickname.fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await log(page).getByText(`You joined as ${name}`, { exact: true }).waitFor();
}

async function say(page: Page, text: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
  await expect.poll(() => composer.inputValue()).toBe('');
}

describeRedis('chat page on two servers through Redis', () => {
  describeBrowser('chat page on two servers through Redis', (suite) => {
    let redis: TestRedis;
    let servers: Running[] = [];

    beforeAll(async () => {
      redis = await TestRedis.start();
      servers = [await start(redis), await start(redis)];
    });
    afterAll(async () => {
      for (const { server, chat } of servers) {
        await server.close({ timeout: 500 });
        await chat.close();
      }
      await redis?.remove();
    });

    it('two pages on two ports share one room; Redis lost: both say degraded, then deliver what waited', async () => {
      const [one, two] = servers as [Running, Running];
      const alice = (await suite.open(`http://127.0.0.1:${one.port}/index.html#/chat`)).page;
      await join(alice, 'Alice');
      const bob = (await suite.open(`http://127.0.0.1:${two.port}/index.html#/chat`, { viewport: { width: 390, height: 844 } })).page;
      await join(bob, 'Bob');
      await log(alice).getByText('Bob joined').waitFor();

      await say(alice, 'Hello from the first server');
      await log(bob).getByText('Hello from the first server').waitFor();
      await say(bob, '@Alice and this is private, from the second');
      await log(alice).getByText('and this is private, from the second').waitFor();

      await redis.stop();
      for (const page of [alice, bob]) {
        await page.getByRole('status').getByText(/The room is degraded/).waitFor();
        await log(page).getByText(/The room is degraded/).waitFor();
      }
      await say(alice, 'Sent while Redis was away');
      await alice.screenshot({ path: `${screenshots}chat-degraded.png` });

      await redis.restart();
      for (const page of [alice, bob]) {
        await log(page).getByText(/The room is back/).waitFor({ timeout: 15_000 });
        await log(page).getByText('Sent while Redis was away').waitFor();
      }
      expect(await log(bob).getByText('Sent while Redis was away').count()).toBe(1);
    });
  });
});
