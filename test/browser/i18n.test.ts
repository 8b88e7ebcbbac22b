import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { dirOf, registerLocale, registeredLocales, resolveLanguage, toBcp47, translate, loadLocale } from '../../src/i18n/index.js';
import { LocalizeController } from '../../src/elements/localize-controller.js';
import en from '../../src/i18n/locales/en.js';
import jaJP from '../../src/i18n/locales/ja_JP.js';
import zhCn from '../../src/i18n/locales/zh-cn.js';
import { CallStore } from '../../src/store/store.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

/** The keys the kit puts in `state.tip` / `state.toast`. */
const kitKeys = [
  'caller-calling-message',
  'callee-calling-video-message',
  'callee-calling-audio-message',
  'wait-to-be-called',
  'answered',
  'other-side-reject-call',
  'other-side-line-busy',
  'call-timeout',
  'other-side-cancelled',
  'call-ended',
  'other-side-hangup',
  'answered-elsewhere',
  'rejected-elsewhere',
  'user-unavailable',
  'self-call',
  'glare',
  'disconnected',
  'reconnecting',
  'reconnect-failed',
  'network-unsupported',
  'other-side-unsupported',
  'browser-unsupported',
  'call-error',
  'no-microphone-access',
  'no-camera-access',
  'device-error',
  'call-failed',
  'already-in-call',
  'connection-failed',
  'other-side-reject-call-group',
  'other-side-line-busy-group',
  'call-timeout-group',
  'other-side-hangup-group',
];

class LocalizedThing extends LitElement {
  store: CallStore | undefined;
  readonly localize = new LocalizeController(this);
  renders = 0;
  override render() {
    this.renders++;
    return html`<p>${this.localize.t('hangup')}</p>`;
  }
}
customElements.define('test-localized-thing', LocalizedThing);

describe('i18n', () => {
  describe('translate', () => {
    it('looks up texts per language', () => {
      expect(translate('en', 'hangup')).to.equal('Hang up');
      expect(translate('zh-cn', 'hangup')).to.equal('挂断');
      expect(translate('ja_JP', 'hangup')).to.equal('通話終了');
    });

    it('matches codes loosely (case, _ or -, primary language)', () => {
      expect(translate('ja-JP', 'accept')).to.equal(jaJP.accept);
      expect(translate('ZH-CN', 'accept')).to.equal(zhCn.accept);
      expect(translate('zh-TW', 'accept')).to.equal(zhCn.accept);
      expect(translate('en-GB', 'accept')).to.equal(en.accept);
    });

    it('interpolates {name} parameters and leaves unknown ones alone', () => {
      expect(translate('en', 'call-failed', { message: 'boom' })).to.equal('The call failed: boom');
      expect(translate('zh-cn', 'other-side-hangup-group', { name: 'Bob' })).to.equal('Bob 已离开通话');
      expect(translate('en', 'call-failed')).to.equal('The call failed: {message}');
    });

    it('picks plural forms with Intl.PluralRules', () => {
      expect(translate('en', 'people-in-call', { count: 1 })).to.equal('1 person in the call');
      expect(translate('en', 'people-in-call', { count: 3 })).to.equal('3 people in the call');
      expect(translate('ja_JP', 'people-in-call', { count: 1 })).to.equal('通話中の参加者：1 人');
      registerLocale('x-plural-test', {
        'people-in-call': { zero: 'nobody', one: 'one: {count}', few: 'few: {count}', many: 'many: {count}', other: 'other: {count}' },
      });
      // `x-plural-test` is no real language: Intl falls back to English rules (one / other), `zero` still wins for 0.
      expect(translate('x-plural-test', 'people-in-call', { count: 0 })).to.equal('nobody');
      expect(translate('x-plural-test', 'people-in-call', { count: 1 })).to.equal('one: 1');
      expect(translate('x-plural-test', 'people-in-call', { count: 7 })).to.equal('other: 7');
      registerLocale('pl', {
        'people-in-call': { one: '{count} osoba', few: '{count} osoby', many: '{count} osób', other: '{count} osoby' },
      });
      expect(translate('pl', 'people-in-call', { count: 1 })).to.equal('1 osoba');
      expect(translate('pl', 'people-in-call', { count: 3 })).to.equal('3 osoby');
      expect(translate('pl', 'people-in-call', { count: 5 })).to.equal('5 osób');
      expect(translate('en', 'people-in-call')).to.equal('{count} people in the call');
    });

    it('falls back to English, then to the key', () => {
      registerLocale('x-partial', { hangup: 'Auflegen' });
      expect(translate('x-partial', 'hangup')).to.equal('Auflegen');
      expect(translate('x-partial', 'accept')).to.equal('Accept');
      expect(translate('xx', 'accept')).to.equal('Accept');
      expect(translate('en', 'no-such-key')).to.equal('no-such-key');
      expect(translate('zh-cn', 'no-such-key')).to.equal('no-such-key');
    });
  });

  describe('registerLocale', () => {
    it('adds a language and merges overrides into an existing one', () => {
      registerLocale('de', { hangup: 'Auflegen', 'app-only': 'Nur in der App' });
      expect(registeredLocales()).to.include('de');
      expect(translate('de', 'app-only')).to.equal('Nur in der App');
      registerLocale('de', { accept: 'Annehmen' });
      expect(translate('de', 'hangup')).to.equal('Auflegen');
      expect(translate('de', 'accept')).to.equal('Annehmen');
    });

    it('rejects an empty code or a missing dictionary with INVALID_PARAMETER', () => {
      for (const call of [() => registerLocale(' ', {}), () => registerLocale('xx', null as unknown as Record<string, string>)]) {
        let caught: unknown;
        try {
          call();
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(CallKitError);
        expect((caught as CallKitError).code).to.equal(ErrorCode.INVALID_PARAMETER);
      }
      expect(registeredLocales()).to.not.include('xx');
    });
  });

  describe('resolveLanguage, dirOf, toBcp47', () => {
    it('maps browser languages as TUICallKit does', () => {
      expect(resolveLanguage('zh-CN')).to.equal('zh-cn');
      expect(resolveLanguage('zh-Hant-TW')).to.equal('zh-cn');
      expect(resolveLanguage('ja')).to.equal('ja_JP');
      expect(resolveLanguage('ja-JP')).to.equal('ja_JP');
      expect(resolveLanguage('en-US')).to.equal('en');
      expect(resolveLanguage('sw-KE')).to.equal('en');
      expect(resolveLanguage('')).to.equal('en');
      expect(resolveLanguage()).to.be.a('string');
    });

    it('resolves a browser language the app registered', () => {
      registerLocale('fr', { hangup: 'Raccrocher' });
      expect(resolveLanguage('fr-CA')).to.equal('fr');
    });

    it('knows right-to-left languages', () => {
      for (const rtl of ['ar', 'ar-EG', 'he', 'fa_IR', 'ur']) expect(dirOf(rtl), rtl).to.equal('rtl');
      for (const ltr of ['en', 'zh-cn', 'ja_JP', '']) expect(dirOf(ltr), ltr).to.equal('ltr');
    });

    it('turns kit codes into BCP 47 tags', () => {
      expect(toBcp47('ja_JP')).to.equal('ja-JP');
      expect(toBcp47('zh-cn')).to.equal('zh-CN');
      expect(toBcp47('en')).to.equal('en');
      expect(toBcp47('not a tag!')).to.equal('en');
    });
  });

  describe('dictionaries', () => {
    const locales = { 'zh-cn': zhCn, ja_JP: jaJP } as Record<string, Record<string, unknown>>;

    it('every locale has every English key, and no extra ones', () => {
      const keys = Object.keys(en).sort();
      for (const [code, dict] of Object.entries(locales)) {
        expect(Object.keys(dict).sort(), code).to.deep.equal(keys);
      }
    });

    it('every text is non-empty and keeps the English placeholders', () => {
      const placeholders = (value: unknown) =>
        JSON.stringify(value)
          .match(/\{\w+\}/g)
          ?.filter((p, i, all) => all.indexOf(p) === i)
          .sort() ?? [];
      for (const [key, text] of Object.entries(en)) {
        for (const [code, dict] of Object.entries(locales)) {
          const value = dict[key];
          expect(JSON.stringify(value).length, `${code} ${key}`).to.be.greaterThan(2);
          expect(placeholders(value), `${code} ${key}`).to.deep.equal(placeholders(text));
        }
      }
    });

    it('has every key the kit puts in tips and toasts', () => {
      for (const key of kitKeys) {
        for (const code of ['en', 'zh-cn', 'ja_JP']) {
          expect(translate(code, key, { name: 'N', message: 'M' }), `${code} ${key}`).to.not.equal(key);
        }
      }
      // Chinese and Japanese are really translated, not English copies.
      for (const key of kitKeys) {
        expect(translate('zh-cn', key), key).to.not.equal(translate('en', key));
        expect(translate('ja_JP', key), key).to.not.equal(translate('en', key));
      }
    });
  });

  describe('LocalizeController', () => {
    it('follows the store language and re-renders on change', async () => {
      const store = new CallStore();
      const el = await fixture<LocalizedThing>(html`<test-localized-thing></test-localized-thing>`);
      el.localize.setStore(store);
      await el.updateComplete;
      expect(el.shadowRoot!.textContent).to.contain('Hang up');
      expect(el.localize.language).to.equal('en');
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      await el.updateComplete;
      expect(el.shadowRoot!.textContent).to.contain('挂断');
      expect(el.localize.lang).to.equal('zh-CN');
      expect(el.localize.dir).to.equal('ltr');
      const renders = el.renders;
      store.dispatch({ type: 'volumes', volumes: { '': 50 } });
      await el.updateComplete;
      expect(el.renders, 'unrelated changes do not re-render').to.equal(renders);
    });

    it('uses the browser language without a store or with an empty setting', async () => {
      const el = await fixture<LocalizedThing>(html`<test-localized-thing></test-localized-thing>`);
      expect(el.localize.language).to.equal(resolveLanguage(navigator.language));
      const store = new CallStore({ language: '' });
      el.localize.setStore(store);
      expect(el.localize.language).to.equal(resolveLanguage(navigator.language));
    });

    it('re-renders when a locale is registered', async () => {
      const store = new CallStore({ language: 'x-late' });
      const el = await fixture<LocalizedThing>(html`<test-localized-thing></test-localized-thing>`);
      el.localize.setStore(store);
      await el.updateComplete;
      expect(el.shadowRoot!.textContent).to.contain('Hang up');
      registerLocale('x-late', { hangup: 'Later' });
      await el.updateComplete;
      expect(el.shadowRoot!.textContent).to.contain('Later');
    });
  });
});
