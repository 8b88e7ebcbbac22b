/**
 * A camera or microphone start is bounded once the page holds its permission (issue 21): a hung
 * device or driver fails with CAMERA_START_FAILED / MICROPHONE_START_FAILED, reason
 * `device-timeout`, after `ms`, and a start that completes later is undone (no camera left on
 * behind the error). While the browser asks the user (permission `prompt`, or a browser that cannot
 * tell), the start waits for the answer: the user decides, not a timer. Used by every engine.
 */
import { CallKitError, ErrorCode } from '../errors.js';
import { withDeadline } from './deadline.js';

/** The default bound, after permission is granted. */
export const DEVICE_START_TIMEOUT_MS = 10_000;

/** Whether the page already holds `device`'s permission (false when it would prompt, or cannot tell). */
export async function permissionGranted(device: 'camera' | 'microphone'): Promise<boolean> {
  try {
    const permissions = (globalThis as { navigator?: Navigator }).navigator?.permissions;
    return (await permissions?.query({ name: device as PermissionName }))?.state === 'granted';
  } catch {
    return false;
  }
}

/** `start` bounded by `ms` when `device`'s permission is granted; `undo` gets a start that came back too late. */
export async function boundedDeviceStart<T>(
  device: 'camera' | 'microphone',
  start: Promise<T>,
  ms: number,
  undo: (late: T) => void,
): Promise<T> {
  if (!(await permissionGranted(device))) return start;
  return withDeadline(start, ms, () => {
    void start.then(undo, () => undefined);
    const code = device === 'camera' ? ErrorCode.CAMERA_START_FAILED : ErrorCode.MICROPHONE_START_FAILED;
    return new CallKitError(code, `${device} did not start within ${ms} ms`, 'device-timeout');
  });
}
