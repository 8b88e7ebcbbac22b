/** Whether this browser runs an AudioContext at all within 3 s (headless Firefox in a container does not). */
export async function webAudioRuns(): Promise<boolean> {
  const ctx = new AudioContext();
  try {
    await Promise.race([ctx.resume(), new Promise((r) => setTimeout(r, 3000))]);
    return ctx.state === 'running';
  } finally {
    void ctx.close();
  }
}
