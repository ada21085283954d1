// Record: a video of the run for a slide — the canvas with its paths, markers and legend, and the
// loss chart under it, composited each frame onto one canvas, captured with the browser's own
// MediaRecorder as WebM while the run plays, and downloaded when it stops.
import { $ } from './dom.js';
import { t } from './i18n.js';
import { download, stageImage } from './share.js';

/** Frames per second captured. */
const FPS = 30;
/** The file the video is saved as. */
const FILE_NAME = 'gdviz-run.webm';

/** The first WebM type this browser records, or null. */
function webmType() {
  if (typeof MediaRecorder === 'undefined') return null;
  return ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}

/**
 * Wires the Record button. `legendRows()` lists the racers for the legend; `player` plays and
 * pauses the run; `tell(sentence)` says what happened beside the button.
 */
export function setUpRecording({ canvases, legendRows, player, tell }) {
  const button = $('record');
  button.textContent = t('record.record');
  let session = null;

  /** One frame of the video: the stage with its legend, the loss chart under it. */
  function compose(out) {
    const stage = stageImage(canvases, legendRows());
    const chart = canvases.chart;
    const chartHeight = chart.width > 0 ? Math.round(chart.height * (stage.width / chart.width)) : 0;
    // Even sizes: video encoders want them.
    const width = stage.width - (stage.width % 2);
    const height = stage.height + chartHeight + ((stage.height + chartHeight) % 2);
    if (out.width !== width || out.height !== height) {
      out.width = width;
      out.height = height;
    }
    const context = out.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.drawImage(stage, 0, 0);
    if (chartHeight > 0) context.drawImage(chart, 0, stage.height, stage.width, chartHeight);
  }

  function stop() {
    if (!session) return;
    const { recorder, frame } = session;
    cancelAnimationFrame(frame.id);
    if (recorder.state !== 'inactive') recorder.stop();
  }

  function start() {
    const type = webmType();
    if (!type) {
      tell(t('record.unsupported'));
      return;
    }
    const out = document.createElement('canvas');
    compose(out);
    const stream = out.captureStream(FPS);
    const recorder = new MediaRecorder(stream, { mimeType: type });
    const chunks = [];
    const frame = { id: 0 };
    const started = performance.now();
    session = { recorder, frame };
    recorder.addEventListener('dataavailable', (event) => { if (event.data.size > 0) chunks.push(event.data); });
    recorder.addEventListener('stop', () => {
      for (const track of stream.getTracks()) track.stop();
      session = null;
      button.textContent = t('record.record');
      button.setAttribute('aria-pressed', 'false');
      download(FILE_NAME, new Blob(chunks, { type: 'video/webm' }));
      tell(t('record.saved', { name: FILE_NAME, seconds: ((performance.now() - started) / 1000).toFixed(1) }));
    });
    const paint = () => {
      compose(out);
      // The run's end ends the video.
      if (!player.playing) {
        stop();
        return;
      }
      frame.id = requestAnimationFrame(paint);
    };
    recorder.start(250);
    button.textContent = t('record.stop');
    button.setAttribute('aria-pressed', 'true');
    tell(t('record.recording'));
    if (!player.playing) player.setPlaying(true);
    frame.id = requestAnimationFrame(paint);
  }

  button.addEventListener('click', () => (session ? stop() : start()));
}
