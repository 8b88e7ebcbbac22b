/**
 * The SFU flags (issue 15): --sfu, --janus-url, --janus-start, --janus-rtp-ports and their env
 * vars, and the option check behind them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from '../../server/cli.js';
import { resolveConfig } from '../../server/options.js';

const opts = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const cmd = parseCli(['--dev', ...argv], env);
  assert.ok(!cmd.help);
  return cmd.options;
};

describe('SFU options', () => {
  test('flags and env vars', () => {
    assert.equal(opts([]).sfu, undefined);
    assert.equal(opts([]).janus, undefined);
    assert.equal(opts(['--sfu', 'always', '--janus-url', 'ws://127.0.0.1:8188']).sfu, 'always');
    assert.deepEqual(opts(['--janus-url', 'ws://127.0.0.1:8188']).janus, { url: 'ws://127.0.0.1:8188' });
    assert.deepEqual(opts(['--janus-start']).janus, { start: {} });
    assert.deepEqual(opts(['--janus-start', '--janus-rtp-ports', '30000-30100']).janus, { start: { rtpPortRange: '30000-30100' } });
    const env = opts([], { CALLKIT_SFU: 'never', CALLKIT_JANUS_START: '1', CALLKIT_JANUS_RTP_PORTS: '1-2' });
    assert.equal(env.sfu, 'never');
    assert.deepEqual(env.janus, { start: { rtpPortRange: '1-2' } });
    assert.deepEqual(opts([], { CALLKIT_JANUS_URL: 'ws://127.0.0.1:1' }).janus, { url: 'ws://127.0.0.1:1' });
    assert.throws(() => opts(['--sfu', 'sometimes']), /--sfu must be auto, always or never/);
    assert.throws(() => opts(['--janus-url', 'http://x', '--janus-start']), /exclude each other/);
    assert.throws(() => opts(['--janus-url', 'http://x']), /ws:\/\//);
    assert.throws(() => opts(['--janus-rtp-ports', '1-2']), /needs --janus-start/);
    assert.throws(() => opts(['--janus-start', '--janus-rtp-ports', 'lots']), /min-max/);
  });

  test('the server option defaults to auto and refuses other values', () => {
    const base = { secret: 's', sdkAppId: 1, dev: true, logger: { info() {}, warn() {}, error() {} } };
    assert.equal(resolveConfig(base).sfu, 'auto');
    assert.equal(resolveConfig(base).janus, null);
    assert.throws(() => resolveConfig({ ...base, sfu: 'x' as 'auto' }), /sfu must be/);
  });
});
