/**
 * `<device-check>`'s texts, in its own chunk (the English dictionary is loaded with every page:
 * these are not), registered under the kit's languages on first use with
 * `registerLocaleDefaults` (texts an app registered for these keys win). The compiler checks that
 * every language has every key.
 */
import { registerLocaleDefaults } from '../../src/i18n/index.js';

const en = {
  'device-check': 'Check your devices',
  'device-check-start': 'Allow camera and microphone',
  'device-check-prompt': 'To check your camera and microphone, allow the browser to use them.',
  'device-check-denied': 'The browser is blocking your camera or microphone.',
  'device-check-denied-help':
    'Click the camera or lock icon in the address bar, allow the camera and microphone for this site, then try again.',
  'device-check-missing': 'No camera or microphone was found. Connect one, then try again.',
  'device-check-busy': 'The camera or microphone could not be started. Close other apps that use it, then try again.',
  'device-check-retry': 'Try again',
  'device-check-preview': 'Camera preview',
  'device-check-camera-toggle': 'Camera preview on',
  'device-check-mic-level': 'Microphone level',
  'device-check-mic-hint': 'Speak: the bar moves when the microphone hears you.',
  'device-check-play-tone': 'Play test sound',
  'device-check-stop-tone': 'Stop test sound',
  'device-check-tone-failed': 'The test sound could not be played on this output.',
  'device-check-done': 'Done',
} as const;

export type DeviceCheckKey = keyof typeof en;

const zhCn: Record<DeviceCheckKey, string> = {
  'device-check': '检测设备',
  'device-check-start': '允许使用摄像头和麦克风',
  'device-check-prompt': '要检测摄像头和麦克风，请允许浏览器使用它们。',
  'device-check-denied': '浏览器已阻止使用摄像头或麦克风。',
  'device-check-denied-help': '点击地址栏中的摄像头或锁形图标，允许此网站使用摄像头和麦克风，然后重试。',
  'device-check-missing': '未找到摄像头或麦克风。请连接设备后重试。',
  'device-check-busy': '无法启动摄像头或麦克风。请关闭正在使用它的其他应用后重试。',
  'device-check-retry': '重试',
  'device-check-preview': '摄像头预览',
  'device-check-camera-toggle': '摄像头预览已开启',
  'device-check-mic-level': '麦克风音量',
  'device-check-mic-hint': '请说话：麦克风听到声音时音量条会变化。',
  'device-check-play-tone': '播放测试音',
  'device-check-stop-tone': '停止测试音',
  'device-check-tone-failed': '无法在此输出设备上播放测试音。',
  'device-check-done': '完成',
};

const jaJP: Record<DeviceCheckKey, string> = {
  'device-check': 'デバイスの確認',
  'device-check-start': 'カメラとマイクを許可',
  'device-check-prompt': 'カメラとマイクを確認するには、ブラウザーに使用を許可してください。',
  'device-check-denied': 'ブラウザーがカメラまたはマイクをブロックしています。',
  'device-check-denied-help':
    'アドレスバーのカメラまたは鍵のアイコンをクリックし、このサイトにカメラとマイクを許可してから、もう一度お試しください。',
  'device-check-missing': 'カメラまたはマイクが見つかりません。接続してから、もう一度お試しください。',
  'device-check-busy': 'カメラまたはマイクを起動できませんでした。使用中の他のアプリを閉じてから、もう一度お試しください。',
  'device-check-retry': '再試行',
  'device-check-preview': 'カメラのプレビュー',
  'device-check-camera-toggle': 'カメラのプレビューをオン',
  'device-check-mic-level': 'マイクの音量',
  'device-check-mic-hint': '話してください。マイクが音を拾うとバーが動きます。',
  'device-check-play-tone': 'テスト音を再生',
  'device-check-stop-tone': 'テスト音を停止',
  'device-check-tone-failed': 'この出力ではテスト音を再生できませんでした。',
  'device-check-done': '完了',
};

let registered = false;

/** Registers the texts once (idempotent; no DOM). */
export function registerDeviceCheckTexts(): void {
  if (registered) return;
  registered = true;
  registerLocaleDefaults('en', en);
  registerLocaleDefaults('zh-cn', zhCn);
  registerLocaleDefaults('ja_JP', jaJP);
}
