// Drives the /demo page in headless Chromium: identify, a mention arrives live, the badge changes,
// a click acks the channel and the badge clears. Saves a screenshot. Run through run.sh.
import { createHmac } from 'node:crypto';
import { chromium } from 'playwright-core';

const base = process.env.READSTATES_BASE;
const internalToken = process.env.READSTATES_INTERNAL_TOKEN;
const secret = process.env.READSTATES_USER_TOKEN_SECRET;
const screenshot = process.env.SCREENSHOT;
const user = '424242';
const channel = '777';

function base64url(value) {
  return Buffer.from(value).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

function userToken(sub) {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ sub, exp: Math.floor(Date.now() / 1000) + 600 }));
  const signature = createHmac('sha256', secret).update(header + '.' + payload).digest('base64')
    .replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return header + '.' + payload + '.' + signature;
}

async function api(method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { Authorization: 'Bearer ' + internalToken, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (response.status >= 300) {
    throw new Error(method + ' ' + path + ' answered ' + response.status + ' ' + await response.text());
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  await api('POST', `/v1/users/${user}/channels/${channel}/ack`, { messageId: '100' });
  const page = await browser.newPage();
  await page.goto(base + '/demo/');
  await page.fill('#token', userToken(user));
  await page.click('#go');
  await page.waitForFunction(u => document.getElementById('status').textContent === 'connected as user ' + u, user,
    { timeout: 10000 });
  const before = await page.textContent('#mentions');
  if (before !== '0') { throw new Error('expected no mentions before the message, saw ' + before); }

  await api('POST', '/v1/messages', { channelId: channel, messageId: '200', authorId: '1', guildId: '9', mentions: [user] });
  await page.waitForFunction(() => document.getElementById('mentions').textContent === '1', null, { timeout: 10000 });
  await page.waitForSelector(`tr[data-channel="${channel}"].unread`, { timeout: 10000 });
  await page.screenshot({ path: screenshot, fullPage: true });

  const guild = await page.textContent(`tr[data-channel="${channel}"] td:nth-child(3)`);
  if (guild !== '9') { throw new Error('expected the channel\'s guild 9, saw ' + guild); }
  if (await page.getAttribute('#token', 'type') !== 'password') { throw new Error('the token field shows the token'); }

  await page.click(`tr[data-channel="${channel}"] button.ack`);
  await page.waitForFunction(() => document.getElementById('mentions').textContent === '0', null, { timeout: 10000 });
  await page.waitForSelector(`tr[data-channel="${channel}"]:not(.unread)`, { timeout: 10000 });
  if (await page.$(`tr[data-channel="${channel}"] button.ack`)) { throw new Error('"Mark read" shown where nothing is unread'); }
  await page.screenshot({ path: screenshot.replace('.png', '-read.png'), fullPage: true });

  // A refused token: the connection closes with 4001 and nothing of the previous user stays on screen.
  await page.fill('#token', 'not-a-token');
  await page.click('#go');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('disconnected (4001'), null,
    { timeout: 10000 });
  if (await page.$(`tr[data-channel="${channel}"]`)) { throw new Error('the previous user\'s channels are still shown'); }
  await page.screenshot({ path: screenshot.replace('.png', '-refused.png'), fullPage: true });

  // On a phone.
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.goto(base + '/demo/');
  await phone.fill('#token', userToken(user));
  await phone.click('#go');
  await phone.waitForFunction(u => document.getElementById('status').textContent === 'connected as user ' + u, user,
    { timeout: 10000 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) { throw new Error('the page is wider than a phone by ' + overflow + ' px'); }
  await phone.screenshot({ path: screenshot.replace('.png', '-phone.png'), fullPage: true });
  console.log('demo page: identified, saw the mention arrive live with its guild, cleared it with a click, ' +
    'refused a bad token and cleared the screen, fits a phone; screenshots at ' + screenshot.replace('.png', '*.png'));
} finally {
  await browser.close();
}
