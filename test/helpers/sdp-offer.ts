/**
 * A browser-shaped SDP offer (audio Opus + video VP8, send only, BUNDLE, rtcp-mux, trickle) for tests
 * that drive the SFU with protocol clients: Janus answers it as it answers Chromium's upload offer,
 * though no media ever flows (nobody holds the ICE credentials).
 */
const fingerprint = Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':');

function media(kind: 'audio' | 'video', mid: number, ufrag: string): string[] {
  const common = [
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`,
    'a=ice-pwd:0123456789abcdefghijklmn',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'a=setup:actpass',
    `a=mid:${mid}`,
    'a=sendonly',
    `a=msid:s ${kind}`,
    'a=rtcp-mux',
  ];
  return kind === 'audio'
    ? [
        'm=audio 9 UDP/TLS/RTP/SAVPF 111',
        ...common,
        'a=rtpmap:111 opus/48000/2',
        'a=fmtp:111 minptime=10;useinbandfec=1',
        `a=ssrc:1111 cname:${ufrag}`,
      ]
    : [
        'm=video 9 UDP/TLS/RTP/SAVPF 96',
        ...common,
        'a=rtcp-rsize',
        'a=rtpmap:96 VP8/90000',
        'a=rtcp-fb:96 nack',
        'a=rtcp-fb:96 nack pli',
        'a=rtcp-fb:96 ccm fir',
        `a=ssrc:2222 cname:${ufrag}`,
      ];
}

/** An upload offer (`ufrag` distinguishes members; 4-32 characters of [a-z0-9]). */
export function publishOffer(ufrag = 'ckts'): string {
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS s',
    ...media('audio', 0, ufrag),
    ...media('video', 1, ufrag),
  ];
  return lines.join('\r\n') + '\r\n';
}
