// Pictures drawn now and then (the heat map, the loss chart, the network's panels), shown through
// a bitmap.
//
// Chromium drawing without a GPU copies every visible 2-D canvas to the compositor on every
// frame, whether anything was drawn on it or not: about 0.5 ms a frame for a 760×623 canvas at
// full speed, four times that on a phone-speed CPU (a DevTools trace of the playing race shows
// `ProduceCanvasResource` for each one, each frame). A 'bitmaprenderer' canvas shows the bitmap
// it was last given and costs nothing until given another. So such a picture is drawn on a 2-D
// canvas outside the document, its `source`, and handed to the page's canvas when done. What is
// drawn every frame (the paths, the racers' points) stays on plain 2-D canvases.
import { setCanvasSize } from './dom.js';

/**
 * The page's canvas `view` shown through an ImageBitmap. `paint(draw)` sizes the source like the
 * view, calls `draw(source)` and shows the result; `drawable()` then `show()` do the same in two
 * steps.
 */
export function shownCanvas(view) {
  const source = document.createElement('canvas');
  const context = view.getContext('bitmaprenderer');
  /** Pictures handed over, and the newest shown: an older bitmap never replaces a newer one. */
  let sent = 0;
  let shown = 0;

  function show() {
    if (source.width === 0 || source.height === 0) return;
    sent += 1;
    const ticket = sent;
    createImageBitmap(source).then((bitmap) => {
      if (ticket < shown) {
        bitmap.close();
        return;
      }
      shown = ticket;
      context.transferFromImageBitmap(bitmap);
    }, () => {
      // The source was resized to nothing meanwhile: the next paint shows it.
    });
  }

  /** The source, sized like the view, to draw the picture on (then `show()`). */
  function drawable() {
    setCanvasSize(source, view.width, view.height);
    return source;
  }

  return {
    view,
    drawable,
    show,
    /** Draws the picture again with `draw(source)` and shows it. */
    paint(draw) {
      draw(drawable());
      show();
    },
  };
}
