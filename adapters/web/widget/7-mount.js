  // widget.js, part 7: mounting the widget in a page. The parts in adapters/web/widget/ are
  // joined in name order into the one widget.js the server serves
  // (adapters/web/CMakeLists.txt); each continues the previous one.

  // ------------------------------------------------------------------ mount

  function resolve(target) {
    if (!target) return null;
    return typeof target === 'string' ? document.querySelector(target) : target;
  }

  function mount(target, options) {
    options = options || {};
    var node = resolve(target);
    if (!node) {
      options.launcher = true;
      node = document.body;
    }
    return new Widget(node, options);
  }

  window.Calfbot = {version: 1, mount: mount};

  function auto() {
    if (!SCRIPT || SCRIPT.getAttribute('data-auto') === 'false') return;
    var opts = {
      server: SCRIPT.getAttribute('data-server') || undefined,
      title: SCRIPT.getAttribute('data-title') || undefined,
      intake: SCRIPT.getAttribute('data-intake') || undefined,
      session: SCRIPT.getAttribute('data-session') || undefined
    };
    mount(SCRIPT.getAttribute('data-mount'), opts);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', auto);
  else auto();
})();
