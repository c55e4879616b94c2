// The demo client: one WebSocket to /v1/gateway, the protocol of the README, nothing else.
'use strict';

const states = new Map();   // channelId -> read state
let socket = null;
let lastBadges = null;

function $(id) { return document.getElementById(id); }

function setBadge(element, value) {
  element.textContent = String(value);
  element.classList.toggle('zero', value === 0);
}

function renderBadges(badges) {
  lastBadges = badges;
  setBadge($('mentions'), badges.mentionCount);
  const unread = badges.guilds.reduce((sum, g) => sum + g.unreadChannels, 0) + badges.directMessages.unreadChannels;
  setBadge($('unread'), unread);
  const body = $('guilds').querySelector('tbody');
  body.replaceChildren();
  const rows = badges.guilds.map(g => [g.guildId, g.unreadChannels, g.mentionCount]);
  rows.push(['direct messages', badges.directMessages.unreadChannels, badges.directMessages.mentionCount]);
  for (const [name, unreadChannels, mentions] of rows) {
    const tr = document.createElement('tr');
    for (const value of [name, unreadChannels, mentions]) {
      const td = document.createElement('td');
      td.textContent = String(value);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}

function renderChannels() {
  const body = $('channels').querySelector('tbody');
  body.replaceChildren();
  const sorted = [...states.values()].sort((a, b) => (BigInt(a.channelId) < BigInt(b.channelId) ? -1 : 1));
  for (const state of sorted) {
    const tr = document.createElement('tr');
    tr.dataset.channel = state.channelId;
    const unread = BigInt(state.channelLastMessageId || '0') > BigInt(state.lastMessageId);
    if (unread) { tr.classList.add('unread'); }
    const cells = [unread ? '\u25CF' : '', state.channelId, state.guildId || 'direct message', state.lastMessageId,
      state.mentionCount, state.version];
    cells.forEach((value, i) => {
      const td = document.createElement('td');
      td.textContent = String(value);
      if (i === 0) { td.className = 'dot'; }
      if (i === 1) { td.className = 'channel'; }
      tr.appendChild(td);
    });
    const action = document.createElement('td');
    if (unread || state.mentionCount > 0) {
      const ack = document.createElement('button');
      ack.textContent = 'Mark read';
      ack.className = 'ack';
      ack.onclick = () => markRead(state.channelId);
      action.appendChild(ack);
    }
    tr.appendChild(action);
    body.appendChild(tr);
  }
}

// Acks up to the channel's last message, as the gateway last reported it.
function markRead(channelId) {
  const state = states.get(channelId);
  const last = BigInt(state.channelLastMessageId || '0') > BigInt(state.lastMessageId)
    ? state.channelLastMessageId : state.lastMessageId;
  socket.send(JSON.stringify({ op: 'ack', channelId: channelId, messageId: last }));
}

// Nothing of a user stays on screen once its connection is gone or refused.
function clear() {
  states.clear();
  renderChannels();
  renderBadges({ mentionCount: 0, guilds: [], directMessages: { unreadChannels: 0, mentionCount: 0 } });
}

function connect() {
  if (socket) { socket.onclose = null; socket.close(); }
  clear();
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/v1/gateway';
  socket = new WebSocket(url);
  $('status').textContent = 'connecting...';
  socket.onopen = () => socket.send(JSON.stringify({ op: 'identify', token: $('token').value.trim() }));
  socket.onmessage = event => {
    const frame = JSON.parse(event.data);
    if (frame.op === 'ready') {
      $('status').textContent = 'connected as user ' + frame.userId;
      frame.readStates.forEach(s => states.set(s.channelId, s));
      renderChannels();
      renderBadges(frame.badges);
    } else if (frame.op === 'read_state') {
      states.set(frame.channelId, frame);
      renderChannels();
    } else if (frame.op === 'badges') {
      renderBadges(frame);
    } else if (frame.op === 'error') {
      $('status').textContent = 'error: ' + frame.message;
    }
  };
  socket.onclose = event => {
    clear();
    $('status').textContent = 'disconnected (' + event.code + (event.reason ? ': ' + event.reason : '') + ')';
  };
}

// Keep the session alive while the page is open.
setInterval(() => { if (socket && socket.readyState === WebSocket.OPEN) { socket.send('{"op":"ping"}'); } }, 20000);

$('go').onclick = connect;
$('token').addEventListener('keydown', e => { if (e.key === 'Enter') { connect(); } });
