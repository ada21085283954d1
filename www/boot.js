// A classic script, run before the page's modules: if one of them cannot load (a sandboxed frame
// whose host does not allow cross-origin requests, say) or the lab has not started after a while,
// the page says why and what to do, instead of "Loading the lab…" forever.
(function watchTheStart() {
  var framed = window.self !== window.top;
  function explain(why) {
    if (window.gdviz && window.gdviz.ready) return;
    var text = 'The lab could not load its code (' + why + '). ' + (framed
      ? 'It is in a frame: give the frame sandbox="allow-scripts allow-same-origin", or serve gdviz with the header Access-Control-Allow-Origin: *.'
      : 'Reload the page; if that does not help, this browser may block WebAssembly or JavaScript modules.');
    var status = document.getElementById('status');
    var banner = document.getElementById('error-banner');
    if (status) status.textContent = text;
    if (banner) {
      document.getElementById('error-text').textContent = text;
      banner.hidden = false;
    }
  }
  // A script's load error does not bubble, but a listener on the capture phase sees it.
  document.addEventListener('error', function (event) {
    if (event.target && event.target.tagName === 'SCRIPT') explain('a script did not load');
  }, true);
  window.setTimeout(function () { explain('it did not start within 20 seconds'); }, 20000);
}());
