// Accessibility fixes to what Material's JavaScript writes into the page at run time
// (tests/test_accessibility.py runs axe-core on every page to hold them):
//
// * a code annotation's marker is a link holding only an empty <span> whose number
//   Material draws with CSS: it gets a name, "Annotation N", as Material adds it;
// * a region that scrolls sideways (a wide table, a notebook cell with long lines)
//   and holds nothing focusable becomes focusable, so a keyboard can scroll it, as
//   Material already does for its own code blocks. Telling whether a region overflows
//   takes a layout, so this runs once the browser is idle after loading, and again
//   after the window is resized.
(function () {
  "use strict";

  const MARKERS = ".md-annotation__index:not([aria-label])";
  const SCROLLERS = ".md-typeset__scrollwrap, .md-typeset table:not([class]), .md-content .highlight-ipynb";
  const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  function nameMarkers(root) {
    const found = root.matches(MARKERS) ? [root] : root.querySelectorAll(MARKERS);
    for (const link of found) {
      const marker = link.querySelector("[data-md-annotation-id]");
      link.setAttribute("aria-label", marker ? `Annotation ${marker.dataset.mdAnnotationId}` : "Annotation");
    }
  }

  function focusScrollers() {
    for (const region of document.querySelectorAll(SCROLLERS)) {
      if (region.hasAttribute("tabindex") || region.querySelector(FOCUSABLE)) continue;
      if (region.scrollWidth > region.clientWidth + 1) region.tabIndex = 0;
    }
  }

  const idle = window.requestIdleCallback || ((callback) => setTimeout(callback, 200));
  let pending = false;
  function scheduleScrollers() {
    if (pending) return;
    pending = true;
    idle(() => {
      pending = false;
      focusScrollers();
    });
  }

  nameMarkers(document.body);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeType === 1) nameMarkers(node);
    }
  }).observe(document.body, { childList: true, subtree: true });

  if (document.readyState === "complete") scheduleScrollers();
  else window.addEventListener("load", scheduleScrollers);
  window.addEventListener("resize", scheduleScrollers);
  if (typeof document$ !== "undefined") document$.subscribe(scheduleScrollers);
})();
