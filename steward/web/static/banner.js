/*! Steward cookie banner: one script tag, no dependencies. How to use it: docs/banner.md */
(function (w, d) {
  'use strict';
  var me = d.currentScript;
  if (!me || w.StewardConsent) return;
  var gpc = navigator.globalPrivacyControl === true;
  // Google Consent Mode v2 signal -> the manifest category that grants it.
  var GCM = {
    ad_storage: 'marketing', ad_user_data: 'marketing', ad_personalization: 'marketing',
    analytics_storage: 'analytics', functionality_storage: 'functional',
    personalization_storage: 'functional'
  };
  var C, T, cats = {}, id, dig, st, bar, dlg, btn, live, gap, ran = {};

  w.dataLayer = w.dataLayer || [];
  function gtag() { w.dataLayer.push(arguments); }
  function signals() {
    var s = { security_storage: 'granted' };
    for (var k in GCM) s[k] = on(GCM[k]) ? 'granted' : 'denied';
    return s;
  }
  var s0 = signals();
  s0.wait_for_update = 500;
  gtag('consent', 'default', s0);

  function api(p) { return new URL('api/banner/' + p, me.src).href; }
  function fmt(s, o) { return s.replace(/\{(\w+)\}/g, function (m, k) { return o[k]; }); }
  function h(t, a, k) {
    var e = d.createElement(t);
    for (var n in a) n == 'text' ? e.textContent = a[n] : e.setAttribute(n, a[n]);
    (k || []).forEach(function (c) { c && e.append(c); });
    return e;
  }
  function button(text, fn, cls) {
    var b = h('button', { type: 'button', class: cls || 'stw-b', text: text });
    b.onclick = fn;
    return b;
  }
  function rid() {
    var b = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode.apply(0, b)).replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22);
  }
  function choosable() { return C.categories.filter(function (c) { return c.choice != 'always'; }); }
  // The first layer stays until every optional category has an answer (GPC is one for all).
  function asking() { return !gpc && choosable().some(function (c) { return !st || !(c.id in st.c); }); }

  // Is the category allowed now? Exempt ones always; objection ones until switched off;
  // consent ones only once agreed (GPC or no choice: not agreed).
  function on(k) {
    var c = cats[k], v = st && st.c[k];
    return !!c && (c.choice == 'always' || (c.choice == 'objection' ? v !== 0 : v === 1));
  }

  function apply() {
    d.querySelectorAll('[data-steward-category]').forEach(function (e) {
      var k = e.getAttribute('data-steward-category');
      if (!cats[k]) return console.warn('Steward cookie banner: the manifest declares no ' + k + ' cookies, so this stays off', e);
      if (e.tagName == 'SCRIPT') {
        if (e.type == 'text/plain' && on(k)) run(e, k);
      } else if (e.hasAttribute('data-src')) {
        on(k) ? show(e) : hold(e, k);
      }
    });
  }
  function run(e, k) {
    var s = d.createElement('script');
    for (var i = 0, a; (a = e.attributes[i]); i++) if (a.name != 'type') s.setAttribute(a.name, a.value);
    if (e.dataset.type) s.type = e.dataset.type;
    if (!e.hasAttribute('async')) s.async = false;
    s.nonce = e.nonce;
    s.text = e.text;
    e.replaceWith(s);
    ran[k] = 1;
  }
  function show(f) {
    if (f.stw) f.stw.remove();
    f.stw = 0;
    f.style.display = '';
    if (f.getAttribute('src') != f.dataset.src) f.src = f.dataset.src;
  }
  // An embedded player waits behind a placeholder that says whose cookies it would set.
  function hold(f, k) {
    if (f.getAttribute('src')) f.src = 'about:blank';
    if (f.stw) return;
    var u = new URL(f.dataset.src, location.href), host = u.hostname.replace(/^www\./, '');
    var who = /youtu/.test(host) ? 'YouTube' : /vimeo/.test(host) ? 'Vimeo' : host;
    var all = cats[k].cookies, mine = all.filter(function (c) {
      return c.provider.toLowerCase().indexOf(who.toLowerCase()) > -1;
    });
    var names = (mine.length ? mine : all).map(function (c) { return c.name || c.provider; }).join(', ');
    var p = h('div', { class: 'stw-ph', role: 'group', 'aria-label': f.title || who }, [
      h('p', { text: fmt(T.placeholder, { provider: who, cookies: names }) }),
      h('p', {}, [
        button(T.load, function () { var o = {}; o[k] = true; choose(o, 'placeholder'); }),
        ' ',
        h('a', { href: u.href, target: '_blank', rel: 'noopener', text: fmt(T.open, { host: host }) })
      ])
    ]);
    var wd = f.getAttribute('width'), ht = f.getAttribute('height');
    if (wd > 0) p.style.width = wd + 'px';
    if (wd > 0 && ht > 0) p.style.aspectRatio = wd + '/' + ht;
    f.stw = p;
    f.style.display = 'none';
    f.before(p);
  }

  function read(n) {
    var m = d.cookie.match(new RegExp('(?:^|; )' + n + '=([^;]*)'));
    try { return m && JSON.parse(decodeURIComponent(m[1])); } catch (e) { return null; }
  }
  function cookie(n, v, age, dom) {
    d.cookie = n + '=' + v + ';path=/;max-age=' + age + ';samesite=lax' +
      (dom ? ';domain=' + dom : '') + (location.protocol == 'https:' ? ';secure' : '');
  }
  // Withdrawn: delete the category's own first-party cookies, on this host and its parents.
  function erase(c) {
    if (!c.removable) return;
    var p = location.hostname.split('.');
    cookie(c.name, '', 0);
    while (p.length > 1) cookie(c.name, '', 0, p.join('.')), p.shift();
  }
  function send(b, n) {
    return fetch(api('receipts'), {
      method: 'POST', keepalive: true, credentials: 'omit',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b)
    }).then(function (r) {
      if (r.status > 499 || r.status == 429) throw r;
    }).catch(function () {
      if (n < 3) setTimeout(send, 2000 << (2 * n), b, n + 1);
    });
  }

  // The click is answered (state, cookie, Consent Mode, the banner's own change) at once;
  // the receipt and loading what was allowed wait until that answer is painted.
  function choose(o, via) {
    var was = {}, c = {}, k, gone = 0;
    for (k in cats) was[k] = on(k);
    if (st) for (k in st.c) c[k] = st.c[k];
    for (k in o) c[k] = o[k] ? 1 : 0;
    st = { i: id, d: dig, c: c, t: Date.now() };
    cookie(C.cookie.name, encodeURIComponent(JSON.stringify(st)), C.cookie.days * 86400);
    for (k in cats) if (was[k] && !on(k)) cats[k].cookies.forEach(erase), gone |= ran[k];
    gtag('consent', 'update', signals());
    if (dlg && dlg.open) dlg.close();
    if (!asking()) {
      if (bar) bar.remove(), gap.remove(), bar = 0;
      reopen();
    }
    live.textContent = T.saved;
    after(function () {
      var sent = send({ receipt: rid(), visitor: id, digest: C.digest, variant: C.variant, via: via, gpc: gpc, choices: o }, 0);
      apply();
      d.dispatchEvent(new CustomEvent('steward:consent', { detail: c }));
      // Scripts that ran cannot be unloaded: once the receipt is sent, start the page afresh.
      if (gone) sent.then(function () { location.reload(); });
    });
  }
  function after(fn) {
    var done = 0, go = function () { done++ || fn(); };
    requestAnimationFrame(function () { setTimeout(go); });
    setTimeout(go, 100);
  }
  function every(v) {
    return function () {
      var o = {};
      choosable().forEach(function (c) { o[c.id] = v; });
      choose(o, dlg && dlg.open ? 'settings' : 'banner');
    };
  }

  function settings() {
    if (!dlg) {
      dlg = h('dialog', { class: 'stw-d', 'aria-labelledby': 'stw-h' }, [
        h('h2', { id: 'stw-h', text: T.settings }),
        gpc && h('p', { text: T.gpc })
      ].concat(C.categories.map(function (c) {
        var k = 'stw-' + c.id, head = c.choice == 'always'
          ? h('p', { class: 'stw-k' }, [c.title + ' \u2014 ' + T.always])
          : h('label', { class: 'stw-k' }, [h('input', { type: 'checkbox', 'data-c': c.id, 'aria-describedby': k }), ' ' + c.title]);
        return h('div', { class: 'stw-c' }, [
          head,
          h('p', { id: k, text: c.description + (c.choice == 'objection' ? ' ' + T.objection + '.' : '') }),
          h('details', {}, [
            h('summary', { text: T.cookies + ' (' + c.cookies.length + ')' }),
            h('ul', {}, c.cookies.map(function (x) {
              return h('li', {}, [h('strong', { text: x.name || x.provider }),
                ' (' + x.provider + '): ' + x.purpose + (x.duration ? ' ' + fmt(T.lasts, x) : '')]);
            }))
          ])
        ]);
      }), [
        h('p', { class: 'stw-a' }, [
          button(T.accept, every(true)), button(T.reject, every(false)),
          button(T.save, function () {
            var o = {};
            dlg.querySelectorAll('input').forEach(function (i) { o[i.dataset.c] = i.checked; });
            choose(o, 'settings');
          }),
          button(T.close, function () { dlg.close(); }, 'stw-s')
        ]),
        h('p', {}, [h('a', { href: C.notice_url, text: T.notice })]),
        h('p', { class: 'stw-id' }, [T.id + ': ' + id])
      ]));
      d.body.append(dlg);
    }
    dlg.querySelectorAll('input').forEach(function (i) { i.checked = on(i.dataset.c); });
    dlg.showModal();
  }

  function reopen() {
    if (btn || d.querySelector('[data-steward-open]')) return;
    btn = button(T.settings, settings, 'stw-r');
    d.body.append(btn);
  }
  function first() {
    bar = h('div', { class: 'stw', role: 'region', 'aria-label': T.title }, [
      h('p', { class: 'stw-k', text: T.title }),
      h('p', { text: T.intro }),
      h('p', { class: 'stw-a' }, [
        button(T.accept, every(true)), button(T.reject, every(false)),
        button(T.choose, settings, 'stw-s'),
        h('a', { href: C.notice_url, text: T.notice })
      ])
    ]);
    gap = h('div', { 'aria-hidden': 'true' });
    d.body.prepend(bar);
    d.body.append(gap);
    fit();
  }
  function fit() { if (bar) gap.style.height = bar.offsetHeight + 'px'; }
  // WCAG 2.2 2.4.11: a focused element is never left behind the banner or its button.
  function unhide(e) {
    var o = bar || btn, t = e.target;
    if (!o || o.contains(t) || !t.getBoundingClientRect) return;
    var a = t.getBoundingClientRect(), b = o.getBoundingClientRect();
    if (a.bottom > b.top && a.top < b.bottom && a.right > b.left && a.left < b.right) {
      w.scrollBy(0, a.bottom - b.top + 8);
    }
  }

  function start() {
    var css = new CSSStyleSheet();
    css.replaceSync(CSS);
    d.adoptedStyleSheets = d.adoptedStyleSheets.concat(css);
    live = h('p', { class: 'stw-v', role: 'status' });
    d.body.append(live);
    apply();
    gtag('consent', 'update', signals());
    if (!choosable().length) return;
    asking() ? first() : reopen();
    d.addEventListener('focusin', unhide);
    w.addEventListener('resize', fit);
    d.addEventListener('click', function (e) {
      if (e.target.closest && e.target.closest('[data-steward-open]')) e.preventDefault(), settings();
    });
  }

  fetch(api('config'), { credentials: 'omit' }).then(function (r) {
    if (!r.ok) throw r.status;
    return r.json();
  }).then(function (c) {
    C = c;
    T = c.texts;
    c.categories.forEach(function (x) { cats[x.id] = x; });
    dig = c.digest.slice(7, 23);
    var p = read(c.cookie.name);
    id = p && /^[\w-]{22}$/.test(p.i) ? p.i : rid();
    st = p && p.d == dig && p.c ? p : null;
    d.readyState == 'loading' ? d.addEventListener('DOMContentLoaded', start) : start();
  }).catch(function (e) {
    // Without its configuration the banner shows nothing, and nothing marked loads.
    console.warn('Steward cookie banner: no configuration from ' + api('config'), e);
  });

  // For the site's own scripts: open the settings, ask about a category, mark what was added late.
  w.StewardConsent = {
    open: function () { C && settings(); },
    allowed: on,
    apply: function () { C && apply(); }
  };

  var CSS = '.stw,.stw-d,.stw-ph,.stw-r{font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;box-sizing:border-box;text-align:left}' +
    '.stw{position:fixed;z-index:2147483646;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;background:#fff;border-top:3px solid #1b1b1b;padding:16px max(16px,calc(50% - 480px));box-shadow:0 -2px 12px #0004}' +
    '.stw p,.stw-d p,.stw-ph p{margin:0 0 12px}.stw-k{font-weight:700}' +
    '.stw-a{display:flex;flex-wrap:wrap;gap:8px;align-items:center}' +
    '.stw button,.stw-d button,.stw-ph button,.stw-r{font:inherit;cursor:pointer;border:2px solid #1b1b1b;border-radius:4px;padding:8px 16px;min-height:44px}' +
    '.stw-b{background:#1b1b1b;color:#fff}.stw-s,.stw-r{background:#fff;color:#1b1b1b}' +
    '.stw a,.stw-d a,.stw-ph a{color:#0b57d0;text-decoration:underline}' +
    '.stw :focus-visible,.stw-d :focus-visible,.stw-ph :focus-visible,.stw-r:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}' +
    '.stw-d{width:calc(100% - 32px);max-width:40em;max-height:calc(100% - 32px);padding:24px;border:2px solid #1b1b1b;border-radius:8px;background:#fff}' +
    '.stw-d::backdrop{background:#0008}.stw-d h2{font-size:1.375em;margin:0 0 16px}' +
    '.stw-c{border-top:1px solid #767676;padding-top:12px}.stw-c label{display:flex;gap:8px;align-items:center}' +
    '.stw-c input{width:24px;height:24px;margin:0;accent-color:#1b1b1b}.stw-c summary{cursor:pointer;margin-bottom:12px}' +
    '.stw-id{font-size:14px;color:#505a5f}' +
    '.stw-ph{display:flex;flex-direction:column;justify-content:center;max-width:100%;padding:16px;background:#f3f2f1;border:2px solid #1b1b1b}' +
    '.stw-r{position:fixed;z-index:2147483646;left:8px;bottom:8px;font-size:14px;min-height:24px;padding:4px 12px}' +
    '.stw-v{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}';
})(window, document);
