'use strict';
// Fake back ends for the widget tests:
//  - a socket.io server that speaks the Rasa 3.6 socket.io channel protocol
//    (session_persistence: true, bot messages go to the room named by the session id)
//  - a tiny HTTP server for the test page, the built widget and the portal JSON APIs.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { Server } = require('socket.io');

const DIST = path.join(__dirname, '..', 'dist', 'guidebot-widget.js');

const CATALOGUE = [
  { code: 'GX-JY-001', name: '高校教师资格认定', department: '自治区教育厅' },
  { code: 'GX-JY-002', name: '中小学教师资格认定', department: '市教育局' },
  { code: 'GX-JY-003', name: '教师资格证书补发换发', department: '自治区教育厅' },
  { code: 'GX-GA-010', name: '居民身份证换领', department: '公安局' },
  { code: 'GX-GA-011', name: '居民身份证补领', department: '公安局' }
];

function guideCard(aspect, url) {
  return {
    type: 'guide_card',
    title: '高校教师资格认定',
    department: '自治区教育厅',
    region: '广西壮族自治区',
    updated: '2026-10-01',
    url,
    sample: true,
    aspect,
    sections: [
      { heading: '申请材料', ordered: true, items: ['居民身份证（必要，原件1份）', '学历证书（必要，原件1份）', '普通话水平测试等级证书（必要，原件1份）'] },
      { heading: '办理时限', ordered: false, items: ['法定时限：20个工作日', '承诺时限：10个工作日'] },
      { heading: '说明', text: '以上为示例数据，请以窗口最新要求为准。\n第二行说明。' }
    ],
    buttons: [
      { title: '办理流程', payload: '/ask_guide{"aspect":"流程"}' },
      { title: '办理地点', payload: '/ask_guide{"aspect":"地点"}' }
    ]
  };
}

async function startRasa(port = 0) {
  const state = { messages: [], sessionRequests: [], port: 0, io: null, httpServer: null };

  function reply(room, payload, delay = 0) {
    const emit = () => state.io && state.io.to(room).emit('bot_uttered', payload);
    if (delay) setTimeout(emit, delay); else emit();
  }

  function attach() {
    const httpServer = http.createServer();
    // Like Rasa: no CORS configuration at all, the client must use websocket.
    const io = new Server(httpServer, { serveClient: false });
    io.on('connection', (socket) => {
      socket.on('session_request', (data) => {
        const requested = data && data.session_id;
        state.sessionRequests.push(requested === undefined ? null : requested);
        const id = requested || crypto.randomBytes(16).toString('hex');
        socket.join(id);
        socket.emit('session_confirm', id);
      });
      socket.on('user_uttered', (data) => {
        if (!data || !data.session_id) return; // Rasa ignores messages without a session id
        const { message, session_id: room } = data;
        state.messages.push({ message, session_id: room });
        bot(room, String(message));
      });
    });
    state.io = io;
    state.httpServer = httpServer;
    return new Promise((resolve) => httpServer.listen(port || state.port, '127.0.0.1', () => {
      state.port = httpServer.address().port;
      resolve();
    }));
  }

  function bot(room, m) {
    const guideUrl = `http://127.0.0.1:${state.apiPort || 1}/guides/GX-JY-001`;
    if (m === '你好') return reply(room, { text: '您好，请问您要办理什么事项？' });
    if (m === '教师资格') {
      // Rasa splits on blank lines: the buttons come with the last part.
      reply(room, { text: '高校教师资格认定由自治区教育厅受理。' });
      reply(room, {
        text: '您想了解哪方面？',
        quick_replies: [
          { content_type: 'text', title: '申请材料', payload: '/ask_guide{"aspect":"申请材料"}' },
          { content_type: 'text', title: '办理时限', payload: '/ask_guide{"aspect":"时限"}' }
        ]
      });
      return;
    }
    if (m.startsWith('/ask_guide')) {
      const aspect = (/"aspect":"([^"]+)"/.exec(m) || [])[1] || '申请材料';
      return reply(room, guideCard(aspect === '时限' ? '办理时限' : aspect, guideUrl), 300);
    }
    if (m === '危险') {
      reply(room, { text: '<img src=x onerror="alert(1)"><script>alert(2)</script><b>粗体</b> javascript:alert(3) 详见 https://example.org/a?b=1。' });
      reply(room, { ...guideCard('申请材料', 'javascript:alert(4)'), title: '<img src=y onerror="alert(5)">卡片', sections: [{ heading: '<i>h</i>', ordered: true, items: ['<script>alert(6)</script>'] }], buttons: [{ title: '<b>按钮</b>', payload: '/x' }] });
      reply(room, { attachment: { type: 'image', payload: { src: 'javascript:alert(7)' } } });
      reply(room, { text: '完毕' });
      return;
    }
    if (m === '慢') return reply(room, { text: '久等了，这是回复。' }, 1500);
    if (m === '沉默') return; // no reply: the widget must time out
    if (m === '/rate') return reply(room, { text: '请您为本次服务打分（1-5分）。' });
    if (m === '/request_human') return reply(room, { text: '正在为您转接人工客服，请稍候。' });
    return reply(room, { text: '收到：' + m });
  }

  await attach();
  return {
    state,
    get port() { return state.port; },
    url() { return `http://127.0.0.1:${state.port}`; },
    setApiPort(p) { state.apiPort = p; },
    push(room, payload) { reply(room, payload); },
    socketCount() { return state.io ? state.io.engine.clientsCount : 0; },
    /** Simulates the bot going away (transport close on the client). */
    async stop() {
      const io = state.io;
      state.io = null;
      await new Promise((resolve) => io.close(() => resolve()));
    },
    async restart() { await attach(); },
    async close() { if (state.io) await this.stop(); }
  };
}

function page(q) {
  const attrs = [
    `src="/static/guidebot-widget.js"`,
    `data-server="${q.get('server')}"`,
    q.has('api') ? `data-api="${q.get('api')}"` : '',
    q.has('title') ? `data-title="${q.get('title')}"` : '',
    q.has('color') ? `data-primary-color="${q.get('color')}"` : '',
    q.has('rt') ? `data-reply-timeout="${q.get('rt')}"` : '',
    q.has('ct') ? `data-connect-timeout="${q.get('ct')}"` : ''
  ].filter(Boolean).join(' ');
  // The host page's own (hostile) CSS must neither break the widget nor be changed by it.
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>广西政务服务网（测试页）</title>
<style>
  html { font-size: 10px; }
  body { margin: 0; font: 12px/3 serif; color: #333; text-align: center; background: #eef; letter-spacing: 2px; }
  * { box-sizing: content-box; }
  div { padding: 7px; margin: 3px; border: 1px dotted #999; }
  button { background: lime; color: purple; padding: 30px; font-size: 30px; border-radius: 0; text-transform: uppercase; }
  p { color: red; margin: 40px; }
  ul, ol { list-style: square; padding-left: 90px; }
  a { color: orange; }
  textarea { width: 50px; height: 300px; }
  h2, h3 { font-size: 40px; }
  [role="dialog"] { display: none; }
</style></head>
<body>
  <header><h1>广西数字政务一体化平台</h1><a href="#main" id="skip">跳到正文</a></header>
  <main id="main"><p class="host-p">这是门户页面的正文。</p><button class="host-btn" type="button">门户按钮</button></main>
  <script ${attrs} defer></script>
</body></html>`;
}

async function startPortal(opts = {}) {
  const state = { completeQueries: [], hotFail: false, hotCalls: 0 };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const json = (obj, code = 200) => {
      res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(obj));
    };
    if (u.pathname === '/' || u.pathname === '/other') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(page(u.searchParams));
    }
    if (u.pathname === '/static/guidebot-widget.js') {
      res.writeHead(200, { 'Content-Type': 'application/javascript; charset=utf-8' });
      return res.end(fs.readFileSync(DIST));
    }
    if (u.pathname === '/api/hot-questions') {
      state.hotCalls++;
      if (state.hotFail) return json({ error: 'down' }, 500);
      return json({ questions: ['教师资格证怎么认定', '身份证丢了怎么补办', '营业执照办理需要什么材料'] });
    }
    if (u.pathname === '/api/complete') {
      const q = u.searchParams.get('q') || '';
      const limit = Number(u.searchParams.get('limit') || 6);
      state.completeQueries.push({ q, limit });
      const hits = CATALOGUE.filter((c) => [...q].some((ch) => c.name.includes(ch)) && c.name.includes(q.slice(0, 2)));
      return json({ suggestions: hits.slice(0, limit) });
    }
    if (u.pathname.startsWith('/guides/')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><meta charset="utf-8"><title>办事指南</title><h1>办事指南</h1>');
    }
    res.writeHead(404); res.end('not found');
  });
  await new Promise((resolve) => server.listen(opts.port || 0, '127.0.0.1', resolve));
  return {
    state,
    port: server.address().port,
    url(pathname = '/') { return `http://127.0.0.1:${server.address().port}${pathname}`; },
    close() { return new Promise((resolve) => { server.closeAllConnections && server.closeAllConnections(); server.close(() => resolve()); }); }
  };
}

module.exports = { startRasa, startPortal, CATALOGUE };
