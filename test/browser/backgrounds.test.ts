import { expect, waitUntil } from '@open-wc/testing';
import { BackgroundProcessor, processingMode } from '../../src/engine/webrtc/backgrounds/background-processor.js';
import { cornerDetail, grab, playTrack } from './helpers/video-frames.js';
import { backgroundsSupported } from '../../src/engine/webrtc/backgrounds.js';

const ASSETS = '/callkit-backgrounds/';

describe('backgrounds: BackgroundProcessor (worker + self-hosted model)', function () {
  this.timeout(60000);
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanup.splice(0).reverse()) f();
  });

  async function camera(): Promise<MediaStreamTrack> {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const track = stream.getVideoTracks()[0]!;
    cleanup.push(() => track.stop());
    return track;
  }

  // Effects run where insertable streams exist (Chromium); elsewhere the engine refuses them
  // (backgroundsSupported, tested in webrtc-backgrounds.test.ts), so the processor is not tested there.
  beforeEach(function () {
    if (!backgroundsSupported()) this.skip();
  });

  it('Chromium processes in a worker with insertable streams', () => {
    expect(processingMode()).to.equal('worker-stream');
  });

  it('blur: the processed frames lose detail in the background corner; the raw ones keep it', async () => {
    const raw = await camera();
    const processor = await BackgroundProcessor.create(ASSETS);
    cleanup.push(() => processor.close());
    await processor.setEffect({ type: 'blur', level: 5 });
    const processed = processor.attach(raw);
    expect(processed).to.not.equal(raw);
    expect(processed.kind).to.equal('video');
    const rawVideo = await playTrack(raw);
    const outVideo = await playTrack(processed);
    cleanup.push(() => {
      rawVideo.remove();
      outVideo.remove();
    });
    const rawDetail = cornerDetail(grab(rawVideo));
    const outDetail = cornerDetail(grab(outVideo));
    expect(rawDetail).to.be.greaterThan(0);
    expect(outDetail).to.be.lessThan(rawDetail * 0.6);
    await waitUntil(() => processor.stats.frames >= 30, 'the worker composited frames', { timeout: 30000 });
    expect(processor.lastError).to.equal(null);
  });

  it('close: the processed track ends and the worker is gone', async () => {
    const raw = await camera();
    const processor = await BackgroundProcessor.create(ASSETS);
    await processor.setEffect({ type: 'blur', level: 3 });
    const processed = processor.attach(raw);
    processor.close();
    expect(processed.readyState).to.equal('ended');
    expect(raw.readyState).to.equal('live');
    await processor.setEffect({ type: 'blur', level: 1 }).then(
      () => expect.fail('a closed processor takes no effect'),
      (error: Error) => expect(error.message).to.match(/stopped/),
    );
  });

  it('a wrong assets path fails create (no CDN fallback)', async () => {
    const failed = await BackgroundProcessor.create('/no-such-assets/').then(
      () => null,
      (error: Error) => error,
    );
    expect(failed).to.be.instanceOf(Error);
  });
});
