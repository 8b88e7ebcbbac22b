/**
 * A private Janus (server/sfu/janus-process.ts, what `npm start` and `--janus-start` run) never
 * outlives the process that started it: when that process exits without calling `stop()` (Ctrl-C on
 * the demo, a runner's exit), Janus is killed and its generated config folder removed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { janusAvailable } from '../../server/sfu/janus-process.js';

const run = promisify(execFile);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('private Janus', { skip: janusAvailable() ? false : 'janus is not installed' }, () => {
  it('is killed and its folder removed when the parent exits without stop()', async () => {
    const script = `
      import { startJanus } from './server/sfu/janus-process.ts';
      const janus = await startJanus();
      console.log(JSON.stringify({ pid: janus.pid, dir: janus.dir }));
      process.exit(0);`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      timeout: 60_000,
    });
    const { pid, dir } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { pid: number; dir: string };
    assert.ok(pid > 0 && dir, stdout);
    // SIGKILL is delivered at exit; give the kernel a moment to reap it (polled, not a fixed sleep).
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(pid), false, `janus ${pid} outlived its parent`);
    assert.equal(existsSync(dir), false, `${dir} left behind`);
  });
});
