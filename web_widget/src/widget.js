/*
 * guidebot web widget: an embeddable chat panel for the guidebot Rasa bot
 * (socket.io channel, session_persistence: true). Vanilla JS, no framework.
 *
 * Safety rule for this file: message content NEVER goes through innerHTML.
 * Every node is built with createElement/textContent; only http(s) URLs
 * become links.
 */
import { io } from 'socket.io-client';
import css from './widget.css';

(function () {
  'use strict';
  if (window.GuideBotWidget && window.GuideBotWidget.__gbw) return; // loaded twice

  // ---------------------------------------------------------------- config
  // currentScript is only set while this file runs synchronously: read it now.
  var script = document.currentScript ||
    document.querySelector('script[data-server][src*="guidebot-widget"]');
  var ds = (script && script.dataset) || {};

  var SERVER = trimSlash(ds.server || '');
  var API = trimSlash(ds.api || '');
  var TITLE = (ds.title || '').trim() || '智能客服';
  var SOCKET_PATH = ds.socketPath || '/socket.io';
  var REPLY_TIMEOUT = seconds(ds.replyTimeout, 20);
  var CONNECT_TIMEOUT = seconds(ds.connectTimeout, 10);
  var MAX_LEN = 500;
  var MAX_HISTORY = 100;
  var KEY = 'gbw:' + (SERVER || location.origin) + ':';
  var K_SESSION = KEY + 'session';
  var K_HISTORY = KEY + 'history';
  var K_OPEN = KEY + 'open';
  var K_LARGE = 'gbw:large';

  var T = {
    launcher: '在线咨询',
    unread: function (n) { return '在线咨询（' + n + '条未读消息）'; },
    unreadStatus: function (n) { return TITLE + '有' + n + '条未读消息'; },
    large: '大字模式',
    rate: '评价',
    rateBubble: '评价本次服务',
    human: '转人工',
    humanBubble: '转人工服务',
    close: '关闭',
    log: '对话记录',
    me: '我：',
    bot: TITLE + '：',
    greeting: '您好！我是办事指南智能客服，可以帮您查询办事材料、流程、时限、地点等。',
    hot: '热门问题',
    quick: '可选回复',
    typing: '正在输入…',
    timeout: '回复超时，请稍后重试或拨打12345政务服务便民热线。',
    disconnected: '连接已断开，正在重新连接…',
    failed: '暂时无法连接智能客服，请稍后再试或拨打12345。',
    noteConnecting: '正在连接智能客服，连接成功后即可发送。',
    noteDisconnected: '连接已断开，暂时无法发送消息，恢复连接后即可发送。',
    noteFailed: '暂时无法连接智能客服，消息无法发送。',
    inputLabel: '输入您的问题',
    placeholder: '请输入您要咨询的事项',
    send: '发送',
    counter: '已输入字数',
    remain: function (n) { return n > 0 ? '还可以输入' + n + '个字' : '已达到' + MAX_LEN + '字上限'; },
    sample: '示例数据',
    updated: '更新日期：',
    fullGuide: '查看完整办事指南',
    current: '（您查询的内容）',
    suggest: '办事事项建议',
    suggestCount: function (n) { return '有' + n + '个相关事项，可用上下方向键选择，回车确认。'; }
  };

  function trimSlash(s) { return String(s).trim().replace(/\/+$/, ''); }
  function seconds(v, dflt) { var n = parseFloat(v); return (n > 0 ? n : dflt) * 1000; }
  function str(v) { return typeof v === 'string' ? v : (typeof v === 'number' ? String(v) : ''); }

  // ------------------------------------------------------------- storage
  var mem = {};
  function sget(k, session) {
    try { return (session ? sessionStorage : localStorage).getItem(k); } catch (e) { return k in mem ? mem[k] : null; }
  }
  function sset(k, v, session) {
    try { (session ? sessionStorage : localStorage).setItem(k, v); } catch (e) { mem[k] = v; }
  }
  function sdel(k, session) {
    try { (session ? sessionStorage : localStorage).removeItem(k); } catch (e) { /* ignore */ }
    delete mem[k];
  }

  // --------------------------------------------------------------- colour
  function parseHex(c) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(c || '').trim());
    if (!m) return null;
    var x = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(x.substr(i, 2), 16); });
  }
  function luminance(rgb) {
    var a = rgb.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2];
  }
  function contrast(l1, l2) { return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05); }

  var primaryRgb = parseHex(ds.primaryColor) || parseHex('#b71c1c');
  var primary = '#' + primaryRgb.map(function (v) { return (v < 16 ? '0' : '') + v.toString(16); }).join('');
  var lum = luminance(primaryRgb);
  var onWhite = contrast(lum, 1);
  var onPrimary = onWhite >= contrast(lum, 0) || onWhite >= 4.5 ? '#fff' : '#000';
  var primaryText = onWhite >= 4.5 ? primary : '#1f2328';

  // ------------------------------------------------------------ DOM utils
  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        var v = attrs[k];
        if (v == null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    if (kids) {
      [].concat(kids).forEach(function (c) {
        if (c != null && c !== false) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
      });
    }
    return el;
  }
  function btn(cls, text, attrs, onclick) {
    var a = { type: 'button', class: cls, text: text, onclick: onclick };
    for (var k in attrs) a[k] = attrs[k];
    return h('button', a);
  }
  function chatIcon() {
    var NS = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('class', 'gbw-icon');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var p = document.createElementNS(NS, 'path');
    p.setAttribute('d', 'M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12zM8.5 12h.01M12 12h.01M15.5 12h.01');
    svg.appendChild(p);
    return svg;
  }

  /** Only http: and https: URLs are allowed to become links. */
  function safeUrl(u) {
    u = str(u).trim();
    if (!u) return null;
    try {
      var url = new URL(u, location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) { return null; }
  }
  function link(href, text, cls) {
    return h('a', { href: href, class: cls, target: '_blank', rel: 'noopener noreferrer', text: text });
  }
  var URL_RE = /https?:\/\/[^\s<>"'“”‘’，。；：！？、（）【】《》「」]+/gi;
  /** Text with bare http(s) URLs turned into links; everything else is a text node. */
  function richText(parent, text) {
    var last = 0;
    text.replace(URL_RE, function (m, off) {
      var trail = /[.,;:!?)\]}'"]+$/.exec(m);
      if (trail) m = m.slice(0, -trail[0].length);
      var href = safeUrl(m);
      if (!href) return m;
      if (off > last) parent.appendChild(document.createTextNode(text.slice(last, off)));
      parent.appendChild(link(href, m));
      last = off + m.length;
      return m;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  // ------------------------------------------------------ message models
  function normButtons(list) {
    if (!Array.isArray(list)) return undefined;
    var out = [];
    list.forEach(function (b) {
      if (!b || typeof b !== 'object') return;
      var title = str(b.title).trim();
      var payload = str(b.payload) || title;
      if (title && payload) out.push({ title: title.slice(0, 200), payload: payload.slice(0, 2000) });
    });
    return out.length ? out.slice(0, 12) : undefined;
  }
  function normCard(d) {
    var sections = [];
    (Array.isArray(d.sections) ? d.sections : []).slice(0, 30).forEach(function (s) {
      if (!s || typeof s !== 'object') return;
      var sec = { heading: str(s.heading), ordered: s.ordered === true };
      if (Array.isArray(s.items)) sec.items = s.items.map(str).filter(function (x) { return x.trim(); }).slice(0, 100);
      else sec.text = str(s.text);
      if (sec.heading || (sec.items && sec.items.length) || sec.text) sections.push(sec);
    });
    return {
      title: str(d.title) || '办事指南',
      department: str(d.department),
      region: str(d.region),
      updated: str(d.updated),
      url: str(d.url),
      sample: d.sample === true || d.sample === 'true',
      aspect: str(d.aspect),
      sections: sections
    };
  }
  /** Turns one bot_uttered payload into a history entry, or null to ignore it. */
  function fromBot(d) {
    if (typeof d === 'string') return d.trim() ? { from: 'bot', kind: 'text', text: d } : null;
    if (!d || typeof d !== 'object') return null;
    if (d.type === 'guide_card') {
      return { from: 'bot', kind: 'card', card: normCard(d), buttons: normButtons(d.buttons || d.quick_replies) };
    }
    var text = str(d.text);
    var buttons = normButtons(d.quick_replies || d.buttons);
    if (!text.trim() && !buttons) return null;
    if (!('text' in d) && !buttons) return null;
    return { from: 'bot', kind: 'text', text: text, buttons: buttons };
  }
  function validEntry(e) {
    if (!e || typeof e !== 'object') return false;
    if (e.kind === 'card') return e.from === 'bot' && e.card && typeof e.card === 'object';
    return (e.from === 'bot' || e.from === 'user') && typeof e.text === 'string';
  }

  // ---------------------------------------------------------------- state
  var history = [];
  try {
    var saved = JSON.parse(sget(K_HISTORY) || '[]');
    if (Array.isArray(saved)) history = saved.filter(validEntry).slice(-MAX_HISTORY);
  } catch (e) { history = []; }
  // Sanitize anything read back from storage exactly like fresh bot input.
  history = history.map(function (e) {
    if (e.kind === 'card') return { from: 'bot', kind: 'card', card: normCard(e.card), buttons: normButtons(e.buttons) };
    return { from: e.from, kind: 'text', text: e.text, buttons: e.from === 'bot' ? normButtons(e.buttons) : undefined };
  });

  var sessionId = sget(K_SESSION) || null;
  var socket = null;
  var connected = false;
  var everConnected = false;
  var connState = 'idle'; // idle | connecting | ready | disconnected | failed
  var connectTimer = null;
  var replyTimer = null;
  var isOpen = false;
  var unread = 0;
  var pending = []; // texts sent through the JS API before the connection was ready
  var elOf = typeof WeakMap === 'function' ? new WeakMap() : null;
  var greetingEl = null;
  var hotQuestions = null; // null = not fetched yet
  var lastRemain = null;

  // ---------------------------------------------------------------- build
  var styleEl = h('style', { id: 'gbw-style' });
  if (script && script.nonce) styleEl.nonce = script.nonce;
  styleEl.textContent = css;

  var root = h('div', { class: 'gbw-root', lang: 'zh-CN', 'data-gbw': '' });
  root.style.setProperty('--gbw-brand', primary);
  root.style.setProperty('--gbw-brand-on', onPrimary);
  root.style.setProperty('--gbw-brand-text', primaryText);

  var badge = h('span', { class: 'gbw-badge', 'aria-hidden': 'true', hidden: true });
  var launcher = h('button', {
    type: 'button', class: 'gbw-launcher', 'aria-label': T.launcher,
    'aria-expanded': 'false', 'aria-controls': 'gbw-panel', onclick: function () { isOpen ? close() : open(); }
  }, [chatIcon(), h('span', { class: 'gbw-launcher-text', text: T.launcher }), badge]);
  var srStatus = h('div', { class: 'gbw-sr', role: 'status' });

  var largeBtn = btn('gbw-hbtn gbw-large-btn', T.large, { 'aria-pressed': 'false' }, function () { setLarge(!root.classList.contains('gbw-large')); });
  var rateBtn = btn('gbw-hbtn gbw-rate-btn', T.rate, null, function () { sendMessage('/rate', T.rateBubble); });
  var humanBtn = btn('gbw-hbtn gbw-human-btn', T.human, null, function () { sendMessage('/request_human', T.humanBubble); });
  var closeBtn = btn('gbw-hbtn gbw-close', '', { 'aria-label': T.close, title: T.close }, function () { close(); });
  closeBtn.appendChild(h('span', { 'aria-hidden': 'true', text: '×' }));

  var banner = h('div', { class: 'gbw-banner', role: 'status' });
  var log = h('div', { class: 'gbw-log', role: 'log', 'aria-live': 'polite', 'aria-label': T.log, tabindex: '0' });
  var typing = h('div', { class: 'gbw-typing', role: 'status' });

  var listbox = h('ul', { class: 'gbw-listbox', id: 'gbw-listbox', role: 'listbox', 'aria-label': T.suggest, hidden: true });
  var input = h('textarea', {
    class: 'gbw-input', id: 'gbw-input', rows: '1', maxlength: String(MAX_LEN), 'aria-label': T.inputLabel,
    placeholder: T.placeholder, 'aria-autocomplete': 'list', 'aria-controls': 'gbw-listbox',
    'aria-describedby': 'gbw-note gbw-counter', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'send'
  });
  // ARIA 1.1 combobox pattern: a combobox wrapper owning a (multi-line) textbox and a listbox.
  var combo = h('div', {
    class: 'gbw-combo', role: 'combobox', 'aria-haspopup': 'listbox', 'aria-controls': 'gbw-listbox',
    'aria-expanded': 'false', 'aria-label': T.inputLabel
  }, [input, listbox]);
  var sendBtn = btn('gbw-send', T.send, { 'aria-describedby': 'gbw-note' }, function () { submit(); });
  var note = h('span', { class: 'gbw-note', id: 'gbw-note' });
  var counter = h('span', { class: 'gbw-counter', id: 'gbw-counter' });
  var limitStatus = h('span', { class: 'gbw-sr', role: 'status' });

  var panel = h('div', { class: 'gbw-panel', id: 'gbw-panel', role: 'dialog', 'aria-label': TITLE, lang: 'zh-CN', hidden: true }, [
    h('div', { class: 'gbw-header' }, [
      h('div', { class: 'gbw-head-row' }, [h('h2', { class: 'gbw-title', text: TITLE }), closeBtn]),
      h('div', { class: 'gbw-tools' }, [largeBtn, rateBtn, humanBtn])
    ]),
    banner,
    log,
    typing,
    h('div', { class: 'gbw-composer' }, [
      h('div', { class: 'gbw-row' }, [combo, sendBtn]),
      h('div', { class: 'gbw-foot' }, [note, counter, limitStatus])
    ])
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);
  root.appendChild(srStatus);

  // ------------------------------------------------------------ rendering
  function renderQuick(buttons, label, onpick) {
    var box = h('div', { class: 'gbw-quick', role: 'group', 'aria-label': label });
    buttons.forEach(function (b) {
      box.appendChild(btn('gbw-qr', b.title, null, function () { onpick(b); }));
    });
    return box;
  }
  function renderCard(c) {
    var titleEl = h('h3', { class: 'gbw-card-title', text: c.title });
    if (c.sample) titleEl.appendChild(h('span', { class: 'gbw-tag', text: T.sample }));
    var meta = h('p', { class: 'gbw-card-meta' });
    [c.department, c.region, c.updated ? T.updated + c.updated : ''].filter(Boolean).forEach(function (m, i) {
      if (i) meta.appendChild(document.createTextNode(' · '));
      meta.appendChild(h('span', { text: m }));
    });
    var card = h('article', { class: 'gbw-card', 'aria-label': c.title }, [titleEl, meta.firstChild ? meta : null]);
    c.sections.forEach(function (s) {
      var cur = c.aspect && s.heading === c.aspect;
      var sec = h('section', { class: 'gbw-sec' + (cur ? ' gbw-sec-cur' : '') });
      if (s.heading) {
        var hd = h('h4', { class: 'gbw-sec-h', text: s.heading });
        if (cur) hd.appendChild(h('span', { class: 'gbw-sr', text: T.current }));
        sec.appendChild(hd);
      }
      if (s.items && s.items.length) {
        var list = h(s.ordered ? 'ol' : 'ul');
        s.items.forEach(function (it) { list.appendChild(h('li', { text: it })); });
        sec.appendChild(list);
      } else if (s.text) {
        sec.appendChild(richText(h('p'), s.text));
      }
      card.appendChild(sec);
    });
    var href = safeUrl(c.url);
    if (href) card.appendChild(link(href, T.fullGuide, 'gbw-card-link'));
    return card;
  }
  function renderEntry(e) {
    var row = h('div', { class: 'gbw-msg gbw-msg-' + (e.from === 'user' ? 'user' : 'bot') + (e.kind === 'card' ? ' gbw-msg-card' : '') });
    var who = h('span', { class: 'gbw-sr', text: e.from === 'user' ? T.me : T.bot });
    row.appendChild(who);
    row.appendChild(e.kind === 'card' ? renderCard(e.card) : richText(h('div', { class: 'gbw-bubble' }), e.text));
    if (e.buttons) {
      row.appendChild(renderQuick(e.buttons, T.quick, function (b) {
        if (sendMessage(b.payload, b.title)) input.focus();
      }));
    }
    if (elOf) elOf.set(e, row);
    return row;
  }
  function scrollToEnd(el) {
    if (!isOpen) return;
    if (el && el.offsetHeight > log.clientHeight * 0.8) log.scrollTop = el.offsetTop - log.offsetTop - 8;
    else log.scrollTop = log.scrollHeight;
  }
  function saveHistory() {
    try { sset(K_HISTORY, JSON.stringify(history)); } catch (e) { /* quota: keep going */ }
  }
  /** Quick replies are live only until the user answers or newer ones arrive. */
  function retireQuickReplies() {
    var changed = false;
    history.forEach(function (e) {
      if (!e.buttons) return;
      delete e.buttons;
      changed = true;
      var row = elOf && elOf.get(e);
      var q = row && row.querySelector('.gbw-quick');
      if (q) q.parentNode.removeChild(q);
    });
    if (greetingEl) {
      var hq = greetingEl.querySelector('.gbw-quick');
      if (hq) hq.parentNode.removeChild(hq);
    }
    return changed;
  }
  function addEntry(e) {
    if (e.from === 'user' || e.buttons) retireQuickReplies();
    history.push(e);
    while (history.length > MAX_HISTORY) {
      var old = history.shift();
      var oldEl = elOf && elOf.get(old);
      if (oldEl && oldEl.parentNode) oldEl.parentNode.removeChild(oldEl);
    }
    saveHistory();
    var row = renderEntry(e);
    log.appendChild(row);
    if (e.from === 'bot') {
      stopTyping();
      if (!isOpen) { unread++; updateBadge(); }
    }
    scrollToEnd(e.from === 'bot' ? row : null);
  }

  function showGreeting() {
    if (history.length || greetingEl) return;
    greetingEl = h('div', { class: 'gbw-msg gbw-msg-bot gbw-greeting' }, [
      h('span', { class: 'gbw-sr', text: T.bot }), h('div', { class: 'gbw-bubble', text: T.greeting })
    ]);
    log.insertBefore(greetingEl, log.firstChild);
    if (hotQuestions) addHot();
    else if (hotQuestions === null) {
      hotQuestions = false; // fetching
      getJSON(API + '/api/hot-questions').then(function (j) {
        var qs = j && Array.isArray(j.questions) ? j.questions.map(str).filter(function (q) { return q.trim(); }).slice(0, 8) : [];
        hotQuestions = qs.length ? qs : false;
        addHot();
      }, function () { hotQuestions = null; });
    }
  }
  function addHot() {
    if (!greetingEl || !hotQuestions || history.length || greetingEl.querySelector('.gbw-quick')) return;
    var box = renderQuick(hotQuestions.map(function (q) { return { title: q, payload: q }; }), T.hot, function (b) {
      if (sendMessage(b.payload)) input.focus();
    });
    box.classList.add('gbw-hot');
    greetingEl.appendChild(box);
    scrollToEnd();
  }

  function getJSON(url, signal) {
    if (typeof fetch !== 'function') return Promise.reject(new Error('no fetch'));
    return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal: signal }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }

  // ---------------------------------------------------------- open / close
  function updateBadge() {
    if (unread > 0) {
      badge.textContent = unread > 99 ? '99+' : String(unread);
      badge.hidden = false;
      launcher.setAttribute('aria-label', T.unread(unread));
      srStatus.textContent = T.unreadStatus(unread);
    } else {
      badge.hidden = true;
      badge.textContent = '';
      launcher.setAttribute('aria-label', T.launcher);
      srStatus.textContent = '';
    }
  }
  function open(opts) {
    var focus = !(opts && opts.focus === false);
    if (!isOpen) {
      isOpen = true;
      panel.hidden = false;
      root.classList.add('gbw-open');
      launcher.setAttribute('aria-expanded', 'true');
      sset(K_OPEN, '1', true);
      unread = 0;
      updateBadge();
      ensureSocket();
      showGreeting();
      log.scrollTop = log.scrollHeight;
      autosize();
    }
    if (focus) input.focus();
  }
  function close() {
    if (!isOpen) return;
    isOpen = false;
    hideSuggestions();
    panel.hidden = true;
    root.classList.remove('gbw-open');
    launcher.setAttribute('aria-expanded', 'false');
    sdel(K_OPEN, true);
    launcher.focus();
  }
  function setLarge(on) {
    root.classList.toggle('gbw-large', on);
    largeBtn.setAttribute('aria-pressed', on ? 'true' : 'false');
    sset(K_LARGE, on ? '1' : '0');
    autosize();
    log.scrollTop = log.scrollHeight;
  }

  // ------------------------------------------------------------ connection
  function ready() { return connected && !!sessionId; }
  function setState(s) {
    connState = s;
    banner.textContent = s === 'disconnected' ? T.disconnected : s === 'failed' ? T.failed : '';
    note.textContent = s === 'ready' ? '' : s === 'disconnected' ? T.noteDisconnected : s === 'failed' ? T.noteFailed : T.noteConnecting;
    sendBtn.setAttribute('aria-disabled', s === 'ready' ? 'false' : 'true');
    if (s === 'ready') flushPending();
  }
  function ensureSocket() {
    if (socket) return;
    setState('connecting');
    socket = io(SERVER || undefined, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelayMax: 5000
    });
    connectTimer = setTimeout(function () { if (!everConnected) setState('failed'); }, CONNECT_TIMEOUT);
    socket.on('connect', function () {
      connected = true;
      everConnected = true;
      clearTimeout(connectTimer);
      socket.emit('session_request', { session_id: sessionId || null });
      setState(sessionId ? 'ready' : 'connecting');
    });
    socket.on('session_confirm', function (d) {
      var id = typeof d === 'string' ? d : d && typeof d === 'object' ? str(d.session_id) : '';
      if (!id) return;
      if (id !== sessionId) { sessionId = id; sset(K_SESSION, id); }
      if (connected) setState('ready');
    });
    socket.on('disconnect', function (reason) {
      connected = false;
      setState('disconnected');
      // The client does not retry by itself after a server-side disconnect.
      if (reason === 'io server disconnect') setTimeout(function () { if (!socket.connected) socket.connect(); }, 1000);
    });
    socket.on('bot_uttered', function (d) {
      var e = fromBot(d);
      if (e) addEntry(e);
    });
  }
  function flushPending() {
    var q = pending;
    pending = [];
    q.forEach(function (t) { sendMessage(t); });
  }

  // ---------------------------------------------------------------- sending
  function sendMessage(message, display) {
    message = str(message).trim();
    if (!message) return false;
    if (!ready()) {
      ensureSocket();
      note.textContent = note.textContent || T.noteConnecting;
      limitStatus.textContent = note.textContent; // say why nothing was sent
      lastRemain = undefined;
      return false;
    }
    socket.emit('user_uttered', { message: message, session_id: sessionId });
    addEntry({ from: 'user', kind: 'text', text: str(display).trim() || message });
    startTyping();
    return true;
  }
  function submit() {
    var text = input.value.trim();
    if (!text) return;
    if (sendMessage(text)) {
      input.value = '';
      cancelComplete();
      updateCounter();
      autosize();
    }
  }
  function startTyping() {
    clearTimeout(replyTimer);
    typing.classList.remove('gbw-timeout');
    typing.textContent = T.typing;
    replyTimer = setTimeout(function () {
      typing.classList.add('gbw-timeout');
      typing.textContent = T.timeout;
    }, REPLY_TIMEOUT);
  }
  function stopTyping() {
    clearTimeout(replyTimer);
    typing.classList.remove('gbw-timeout');
    typing.textContent = '';
  }

  // ------------------------------------------------------------- composer
  function updateCounter() {
    var n = input.value.length;
    var remain = MAX_LEN - n;
    counter.textContent = '';
    counter.appendChild(h('span', { class: 'gbw-sr', text: T.counter }));
    counter.appendChild(document.createTextNode(n + '/' + MAX_LEN));
    counter.classList.toggle('gbw-near', remain <= 50);
    // Announce only near the limit, and only when crossing a step.
    var step = remain <= 0 ? 0 : remain <= 10 ? 10 : remain <= 20 ? 20 : remain <= 50 ? 50 : null;
    if (step !== lastRemain) {
      lastRemain = step;
      limitStatus.textContent = step === null ? '' : T.remain(remain);
    }
  }
  function autosize() {
    if (!isOpen) return;
    input.style.height = 'auto';
    input.style.height = (input.scrollHeight + 3) + 'px';
  }

  // completion (ARIA combobox + listbox)
  var suggestions = [];
  var active = -1;
  var compTimer = null;
  var compSeq = 0;
  var compAbort = null;
  function cancelComplete() {
    clearTimeout(compTimer);
    compSeq++;
    if (compAbort) { try { compAbort.abort(); } catch (e) { /* ignore */ } compAbort = null; }
    hideSuggestions();
  }
  function scheduleComplete() {
    clearTimeout(compTimer);
    var q = input.value.trim();
    if (q.length < 2 || q.length > 40) { cancelComplete(); return; }
    compTimer = setTimeout(function () { fetchComplete(q); }, 250);
  }
  function fetchComplete(q) {
    var seq = ++compSeq;
    if (compAbort) { try { compAbort.abort(); } catch (e) { /* ignore */ } }
    compAbort = typeof AbortController === 'function' ? new AbortController() : null;
    getJSON(API + '/api/complete?q=' + encodeURIComponent(q) + '&limit=6', compAbort && compAbort.signal).then(function (j) {
      if (seq !== compSeq || input.value.trim() !== q || document.activeElement !== input) return;
      var list = [];
      (j && Array.isArray(j.suggestions) ? j.suggestions : []).forEach(function (s) {
        if (s && typeof s === 'object' && str(s.name).trim()) list.push({ name: str(s.name).trim(), department: str(s.department).trim() });
      });
      showSuggestions(list.slice(0, 6));
    }, function () { if (seq === compSeq) hideSuggestions(); });
  }
  function showSuggestions(list) {
    suggestions = list;
    active = -1;
    listbox.textContent = '';
    input.removeAttribute('aria-activedescendant');
    if (!list.length) { hideSuggestions(); return; }
    list.forEach(function (s, i) {
      var li = h('li', { class: 'gbw-option', id: 'gbw-opt-' + i, role: 'option', 'aria-selected': 'false' }, [
        h('span', { class: 'gbw-option-name', text: s.name }),
        s.department ? h('span', { class: 'gbw-sr', text: '，' }) : null,
        s.department ? h('span', { class: 'gbw-option-dept', text: s.department }) : null
      ]);
      li.addEventListener('mousedown', function (ev) { ev.preventDefault(); }); // keep focus in the input
      li.addEventListener('click', function () { pick(i); });
      listbox.appendChild(li);
    });
    listbox.hidden = false;
    combo.setAttribute('aria-expanded', 'true');
    limitStatus.textContent = T.suggestCount(list.length);
    lastRemain = undefined;
  }
  function hideSuggestions() {
    suggestions = [];
    active = -1;
    listbox.hidden = true;
    listbox.textContent = '';
    combo.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }
  function setActive(i) {
    active = i;
    [].forEach.call(listbox.children, function (li, j) {
      var on = j === i;
      li.setAttribute('aria-selected', on ? 'true' : 'false');
      li.classList.toggle('gbw-active', on);
      if (on) {
        input.setAttribute('aria-activedescendant', li.id);
        if (li.scrollIntoView) li.scrollIntoView({ block: 'nearest' });
      }
    });
  }
  function pick(i) {
    var s = suggestions[i];
    if (!s) return;
    cancelComplete();
    input.value = s.name.slice(0, MAX_LEN);
    updateCounter();
    autosize();
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }
  function listOpen() { return !listbox.hidden && suggestions.length > 0; }

  input.addEventListener('input', function (ev) {
    updateCounter();
    autosize();
    if (ev.isComposing) return; // IME: wait for compositionend
    scheduleComplete();
  });
  input.addEventListener('compositionend', function () { scheduleComplete(); });
  input.addEventListener('blur', function () { cancelComplete(); });
  input.addEventListener('keydown', function (ev) {
    if (ev.isComposing || ev.keyCode === 229) return; // Enter confirms the IME candidate, it must not send
    var n = suggestions.length;
    if (listOpen() && (ev.key === 'ArrowDown' || ev.key === 'Down')) {
      ev.preventDefault();
      setActive(active + 1 >= n ? 0 : active + 1);
    } else if (listOpen() && (ev.key === 'ArrowUp' || ev.key === 'Up')) {
      ev.preventDefault();
      setActive(active <= 0 ? n - 1 : active - 1);
    } else if (listOpen() && (ev.key === 'Escape' || ev.key === 'Esc')) {
      ev.preventDefault();
      ev.stopPropagation();
      cancelComplete();
    } else if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      if (listOpen() && active >= 0) pick(active);
      else submit();
    }
  });
  root.addEventListener('keydown', function (ev) {
    if ((ev.key === 'Escape' || ev.key === 'Esc') && isOpen) {
      ev.preventDefault();
      close();
    }
  });

  // ---------------------------------------------------------------- reset
  function reset() {
    history.forEach(function (e) {
      var row = elOf && elOf.get(e);
      if (row && row.parentNode) row.parentNode.removeChild(row);
    });
    history = [];
    log.textContent = '';
    greetingEl = null;
    pending = [];
    sdel(K_HISTORY);
    sdel(K_SESSION);
    sessionId = null;
    unread = 0;
    updateBadge();
    stopTyping();
    if (socket && connected) {
      setState('connecting');
      socket.emit('session_request', { session_id: null });
    }
    if (isOpen) showGreeting();
  }

  // ---------------------------------------------------------------- start
  function start() {
    if (document.getElementById('gbw-panel')) return;
    (document.head || document.documentElement).appendChild(styleEl);
    document.body.appendChild(root);
    history.forEach(function (e) { log.appendChild(renderEntry(e)); });
    updateCounter();
    updateBadge();
    setState('idle');
    if (sget(K_LARGE) === '1') setLarge(true);
    // Connect at once only for a conversation already under way (so replies
    // to another tab still raise the unread badge); otherwise on first open.
    if (sget(K_OPEN, true) === '1') open({ focus: false });
    else if (sessionId || history.length) ensureSocket();
  }

  window.GuideBotWidget = {
    open: function () { open(); },
    close: function () { close(); },
    send: function (text) {
      text = str(text).trim();
      if (!text) return false;
      open();
      if (sendMessage(text)) return true;
      if (connState !== 'ready') pending.push(text);
      return false;
    },
    reset: reset
  };
  Object.defineProperty(window.GuideBotWidget, '__gbw', { value: true });

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
