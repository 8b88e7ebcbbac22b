/**
 * A throwaway Janus for a test: generated config in a temp dir (VideoRoom + WebSocket transport on a
 * free loopback port, no admin API, no STUN), waited for, and killed + removed after, also when the
 * test fails. Use `const janus = await startTestJanus(); after(() => janus.stop());`.
 */
import { startJanus, janusAvailable, type JanusInstance, type JanusOptions } from '../../server/sfu/janus-process.js';

export { janusAvailable };

/** Starts Janus (RTP ports 40000-49999 unless `options` say otherwise); throws with the install line when the Debian package is missing. */
export async function startTestJanus(options: JanusOptions = {}): Promise<JanusInstance> {
  if (!janusAvailable()) throw new Error('janus is not installed: apt-get install -y janus');
  const janus = await startJanus({ rtpPortRange: '40000-49999', readyTimeoutMs: 30_000, ...options });
  const stop = () => void janus.stop();
  process.once('exit', stop);
  return {
    ...janus,
    stop: async () => {
      process.off('exit', stop);
      await janus.stop();
    },
  };
}
