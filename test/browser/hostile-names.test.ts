/**
 * R19 (reliability.md §5.1, §3.7, §3.8): hostile names and avatars in every kit element under a strict
 * Content-Security-Policy with Trusted Types, delivered by a <meta> element inserted before the kit
 * (and lit) load. Positive controls at the end prove the policy is enforced on this page: an inline
 * script is blocked and reported, and an `innerHTML` string assignment throws and is reported.
 * Oracle: a sentinel global stays 0 (nothing ran), no `securitypolicyviolation` before the controls,
 * names appear as text, no element or attribute came from a name.
 */
import { expect, fixture, html } from '@open-wc/testing';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'none'",
  "connect-src 'self' ws:",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

const meta = document.createElement('meta');
meta.httpEquiv = 'Content-Security-Policy';
meta.content = CSP;
document.head.prepend(meta);

const violations: { directive: string; blocked: string; sample: string; source: string }[] = [];
document.addEventListener('securitypolicyviolation', (e) =>
  violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile }),
);
const w = window as unknown as { __xss: number };
w.__xss = 0;

// Loaded only now, under the policy (lit creates its `lit-html` Trusted Types policy here).
const { CallKit } = await import('../../src/kit/call-kit-api.js');
const { SimulatedEngine } = await import('../../src/engine/simulated/simulated-engine.js');
const { CallStore } = await import('../../src/store/store.js');
const { CallMediaType, CallRole } = await import('../../src/constants.js');
await import('../../src/define-all.js');

const X = 'window.__xss++';
const HOSTILE_NAMES = [
  `<script>${X}</script>`,
  `<img src=x onerror="${X}">`,
  `"><svg onload=${X}>`,
  `javascript:${X}`,
  `{{constructor.constructor('${X}')()}}`,
  '\u202Eevil.exe\u202C \u2066bidi\u2069',
  'zero\u200B\u200Dwidth\uFEFF',
  `${'A'.repeat(9_980)}<b>end</b>`,
];
const HOSTILE_AVATARS = [
  `javascript:${X}`,
  `data:text/html,<script>${X}</script>`,
  `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="${X}"/>`,
  `"><img src=x onerror=${X}>`,
  `x" onerror="${X}`,
];

/** Every text node and attribute in the element's tree, shadow roots included. */
function walk(root: Node, out: { text: string[]; attrs: string[]; tags: string[] }) {
  if (root instanceof Element && root.shadowRoot) walk(root.shadowRoot, out);
  for (const node of [...root.childNodes]) {
    if (node.nodeType === Node.TEXT_NODE) out.text.push(node.textContent ?? '');
    if (node instanceof Element) {
      out.tags.push(node.localName);
      for (const a of [...node.attributes]) out.attrs.push(`${a.name}=${a.value}`);
      walk(node, out);
    }
  }
  return out;
}

/** Nothing the name or avatar carried became markup or an event handler attribute. */
function assertInert(el: Element, name: string) {
  const tree = walk(el, { text: [], attrs: [], tags: [] });
  // (The kit's own icons are inline SVG elements; hostile ones would carry handlers, checked below.)
  expect(
    tree.tags.filter((t) => ['script', 'iframe', 'object', 'embed', 'b'].includes(t)),
    'no element from a hostile string',
  ).to.deep.equal([]);
  expect(
    tree.attrs.filter((a) => /^on/i.test(a)),
    'no inline handlers',
  ).to.deep.equal([]);
  expect(
    tree.attrs.filter((a) => /^(src|href)=\s*javascript:/i.test(a)),
    'no javascript: URL in src/href',
  ).to.deep.equal([]);
  const text = tree.text.join('') + tree.attrs.join(' ');
  // The name (or its visible prefix, when truncated) is shown as text.
  const probe = [...name.replace(/[\u200B-\u200D\uFEFF\u202A-\u202E\u2066-\u2069]/g, '')].slice(0, 12).join('');
  expect(text.replace(/[\u200B-\u200D\uFEFF\u202A-\u202E\u2066-\u2069]/g, ''), `name shown as text: ${probe}`).to.include(probe);
}

async function settle(el: Element) {
  for (let i = 0; i < 3; i++) {
    await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
    await new Promise((r) => requestAnimationFrame(r));
  }
  // Image loads (and their errors) are asynchronous.
  await new Promise((r) => setTimeout(r, 50));
}

/**
 * Every violation the page reports fails the test that caused it (the positive controls at the end
 * clear their own, expected ones). The kit's dynamic styles go through CSSOM, never a `style`
 * attribute in markup, and unsafe avatar / background URLs never reach `<img src>` or `url()`.
 */
function kitViolations() {
  return [...violations];
}

/** Sizes through CSSOM: a `style="..."` attribute in a template would itself violate `style-src 'self'`. */
function sized<T extends HTMLElement>(el: T): T {
  el.style.width = '640px';
  el.style.height = '480px';
  return el;
}

describe('R19: hostile names and avatars under a strict CSP with Trusted Types', () => {
  afterEach(() => {
    expect(w.__xss, 'nothing executed').to.equal(0);
    const kit = kitViolations();
    violations.length = 0;
    expect(kit, `no CSP violation caused by the kit: ${JSON.stringify(kit).slice(0, 600)}`).to.deep.equal([]);
  });

  for (const [i, name] of HOSTILE_NAMES.entries()) {
    const avatar = HOSTILE_AVATARS[i % HOSTILE_AVATARS.length];
    it(`<call-kit> (incoming banner, call view, tiles, feature buttons): name #${i}, avatar #${i % HOSTILE_AVATARS.length}`, async () => {
      const kit = new CallKit();
      const engine = new SimulatedEngine();
      await kit.init({ SDKAppID: 1, userID: 'alice', userSig: 'x', engine });
      await kit.setSelfInfo({ nickName: name.slice(0, 500) }).catch(() => undefined);
      const el = sized(await fixture<HTMLElement>(html`<call-kit .kit=${kit}></call-kit>`));
      engine.remoteInvite({ userId: 'mallory', name, avatar }, CallMediaType.VIDEO, [{ userId: 'trudy', name, avatar }]);
      await settle(el);
      expect(el.shadowRoot!.querySelector('incoming-banner') ?? el.shadowRoot!.querySelector('call-view'), 'ringing UI shown').to.not.equal(
        null,
      );
      assertInert(el, name);
      await kit.accept();
      engine.remoteAccept('trudy', { name, avatar });
      await settle(el);
      expect(kit.store.getState().status).to.equal('connected');
      assertInert(el, name);
      await kit.hangup();
      await kit.dispose();
      el.remove();
    });
  }

  it('each element alone with a hostile store: participant-tile, call-view, incoming-banner, feature-buttons', async () => {
    for (const [i, name] of HOSTILE_NAMES.entries()) {
      const avatar = HOSTILE_AVATARS[i % HOSTILE_AVATARS.length];
      const store = new CallStore();
      store.dispatch({ type: 'login', userId: 'bob', name });
      store.dispatch({
        type: 'call-start',
        role: CallRole.CALLEE,
        callId: 'call-1',
        mediaType: CallMediaType.VIDEO,
        callerId: 'mallory',
        members: [{ userId: 'mallory', name, avatar, status: 'accepted' }],
      });
      const banner = await fixture(html`<incoming-banner .store=${store}></incoming-banner>`);
      const view = sized(await fixture<HTMLElement>(html`<call-view .store=${store}></call-view>`));
      const buttons = await fixture(html`<feature-buttons .store=${store}></feature-buttons>`);
      await settle(view);
      assertInert(banner, name);
      assertInert(view, name);
      store.dispatch({ type: 'call-connected' });
      const member = store.getState().members[0];
      const tile = await fixture(html`<participant-tile .member=${member}></participant-tile>`);
      await settle(tile);
      assertInert(tile, name);
      assertInert(view, name);
      expect(walk(buttons, { text: [], attrs: [], tags: [] }).attrs.filter((a) => /^on/i.test(a))).to.deep.equal([]);
      for (const e of [banner, view, buttons, tile]) e.remove();
    }
  });

  it("dynamic styles are applied under style-src-attr 'none': grid columns, view background, float-window position", async () => {
    const store = new CallStore();
    store.dispatch({ type: 'login', userId: 'me', name: 'Me' });
    store.dispatch({
      type: 'call-start',
      role: CallRole.CALLER,
      callId: 'call-2',
      mediaType: CallMediaType.VIDEO,
      callerId: 'me',
      members: ['u1', 'u2', 'u3', 'u4', 'u5'].map((userId) => ({ userId, name: userId, status: 'accepted' as const })),
    });
    store.dispatch({ type: 'call-connected' });
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
    store.dispatch({ type: 'settings', settings: { viewBackgrounds: { 'remote:u1': png, 'remote:u2': `javascript:${X}` } } });
    // First render of a 6-member grid: 3 columns (a style attribute would have been blocked: 2).
    const view = sized(await fixture<HTMLElement>(html`<call-view .store=${store}></call-view>`));
    await settle(view);
    const grid = view.shadowRoot!.querySelector<HTMLElement>('[part~=grid]')!;
    expect(getComputedStyle(grid).gridTemplateColumns.split(' ').length, '3 columns for 6 tiles').to.equal(3);
    // Camera-off tiles: u1's safe PNG background is painted; u2's javascript: one is dropped.
    const tile = await fixture<HTMLElement>(html`<participant-tile .store=${store} user-id="u1"></participant-tile>`);
    const unsafe = await fixture<HTMLElement>(html`<participant-tile .store=${store} user-id="u2"></participant-tile>`);
    await settle(unsafe);
    const bg = (el: HTMLElement) => getComputedStyle(el.shadowRoot!.querySelector('[part~=base]')!).backgroundImage;
    expect(bg(tile), 'PNG background painted').to.include('data:image/png');
    expect(bg(unsafe), 'javascript: background dropped').to.equal('none');
    // Float window: positioned by CSSOM on its first render.
    store.dispatch({ type: 'minimized', minimized: true });
    const fw = await fixture<HTMLElement & { position: { x: number; y: number } | null }>(
      html`<float-window .store=${store}></float-window>`,
    );
    fw.position = { x: 40, y: 50 };
    await settle(fw);
    const base = fw.shadowRoot!.querySelector<HTMLElement>('[part~=base]')!;
    const r = base.getBoundingClientRect();
    expect([Math.round(r.left), Math.round(r.top)], 'float window where it was put').to.deep.equal([40, 50]);
    for (const e of [view, tile, unsafe, fw]) e.remove();
  });

  it('unsafe avatars (javascript:, data:text/html, SVG) become initials in every element; safe ones stay images', async () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
    const unsafe = HOSTILE_AVATARS.slice(0, 3);
    const imgSrcs = (el: Element) => walk(el, { text: [], attrs: [], tags: [] }).attrs.filter((a) => a.startsWith('src='));
    for (const [avatar, safe] of [...unsafe.map((a) => [a, false] as const), [png, true] as const]) {
      const store = new CallStore();
      store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
      store.dispatch({
        type: 'call-start',
        role: CallRole.CALLEE,
        callId: 'call-3',
        mediaType: CallMediaType.AUDIO,
        callerId: 'mallory',
        members: [{ userId: 'mallory', name: 'Mallory', avatar, status: 'accepted' }],
      });
      store.dispatch({
        type: 'group-call',
        groupId: 'g1',
        call: {
          callId: 'c9',
          mediaType: CallMediaType.AUDIO,
          members: [{ userId: 'mallory', name: 'Mallory', avatar, status: 'accepted' }],
        },
      });
      const banner = await fixture(html`<incoming-banner .store=${store}></incoming-banner>`);
      const view = sized(await fixture<HTMLElement>(html`<call-view .store=${store}></call-view>`));
      const tile = await fixture(html`<participant-tile .store=${store} user-id="mallory"></participant-tile>`);
      const card = await fixture(html`<join-call-card .store=${store} group-id="g1"></join-call-card>`);
      await settle(card);
      for (const [tag, el] of [
        ['incoming-banner', banner],
        ['call-view', view],
        ['participant-tile', tile],
        ['join-call-card', card],
      ] as const) {
        const srcs = imgSrcs(el);
        if (safe) {
          expect(srcs, `${tag}: a PNG avatar is an image`).to.include(`src=${png}`);
        } else {
          expect(srcs, `${tag}: no image for ${avatar.slice(0, 24)}`).to.deep.equal([]);
          expect(walk(el, { text: [], attrs: [], tags: [] }).text.join(''), `${tag}: the initial instead`).to.include('M');
        }
      }
      for (const e of [banner, view, tile, card]) e.remove();
    }
  });

  it('positive controls: this page enforces the policy (script-src, img-src, style-src-attr and Trusted Types all reported)', async () => {
    const refused = (fn: () => void) => {
      try {
        fn();
        return false;
      } catch (e) {
        return e instanceof TypeError;
      }
    };
    // Trusted Types: strings into script and HTML sinks throw; a policy other than lit-html is refused.
    expect(
      refused(() => (document.createElement('script').textContent = X)),
      'script.textContent refused',
    ).to.equal(true);
    expect(
      refused(() => (document.createElement('div').innerHTML = `<img src=x onerror="${X}">`)),
      'innerHTML refused',
    ).to.equal(true);
    const tt = (window as unknown as { trustedTypes: { createPolicy(name: string, rules: object): unknown } }).trustedTypes;
    expect(
      refused(() => tt.createPolicy('evil', { createHTML: (x: string) => x })),
      'policy "evil" refused',
    ).to.equal(true);
    // script-src 'self': a data: module is blocked (not a Trusted Types sink, so this is the CSP itself).
    await import(/* @vite-ignore */ `data:text/javascript,${encodeURIComponent(X)}`).catch(() => undefined);
    // img-src 'self' data:: a third-party image is blocked.
    const img = document.createElement('img');
    img.src = 'https://evil.example/pixel.png';
    document.body.append(img);
    await new Promise((r) => setTimeout(r, 200));
    img.remove();
    // style-src-attr 'none': a style attribute is refused (what lit's styleMap did on first render), CSSOM is not.
    const styled = document.createElement('div');
    styled.setAttribute('style', 'color: rgb(255, 0, 0)');
    document.body.append(styled);
    await new Promise((r) => setTimeout(r, 50));
    expect(getComputedStyle(styled).color, 'the style attribute was not applied').to.not.equal('rgb(255, 0, 0)');
    styled.style.setProperty('color', 'rgb(0, 128, 0)');
    expect(getComputedStyle(styled).color, 'CSSOM still works').to.equal('rgb(0, 128, 0)');
    styled.remove();
    expect(w.__xss, 'nothing ran').to.equal(0);
    const directives = new Set(violations.map((v) => v.directive));
    for (const d of ['require-trusted-types-for', 'trusted-types', 'img-src', 'style-src-attr'])
      expect(directives.has(d), `${d} reported: ${JSON.stringify(violations)}`).to.equal(true);
    expect(
      [...directives].some((d) => d.startsWith('script-src')),
      `script-src reported: ${JSON.stringify(violations)}`,
    ).to.equal(true);
    violations.length = 0; // expected ones
  });
});
