// Interactive demos (see actdocs/interactive/demos.py for the JSON they read).
//
// Every `.actdocs-demo[data-src]` container gets plain HTML controls (a <select>, range
// sliders, a toggle button), a plotly chart, a one-line summary and, where the demo has
// one, a small statistics table. The states are precomputed at build time: a control
// change walks the JSON's tree to a leaf and hands its traces to Plotly.react. Colours
// follow Material's palette (`data-md-color-scheme` on <body>); the demos are set up
// again on each of Material's page loads (`document$`, instant navigation included).
//
// This script is loaded, deferred, only by pages with `plotly: true` in their front
// matter (overrides/main.html). The plotly bundle (about 400 KB gzip and, on a phone,
// seconds of CPU) is fetched only when a demo comes within a screen of the viewport,
// never before the first paint; until the chart is drawn, and without JavaScript or
// plotly, the container shows its static figure.
(function () {
  "use strict";

  const SELECTOR = ".actdocs-demo[data-src]";
  const PLOTLY_BUNDLE = "assets/vendor/plotly/plotly-basic.min.js"; // relative to the site root
  const demos = new Set(); // { container, plot, spec, state, render }
  const requests = new Map(); // data URL -> Promise of the parsed JSON
  let counter = 0;

  // ------------------------------------------------------------------ helpers

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function merge(base, patch) {
    const out = Object.assign({}, base);
    for (const [key, value] of Object.entries(patch || {})) {
      const isObject = value && typeof value === "object" && !Array.isArray(value);
      out[key] = isObject && out[key] && typeof out[key] === "object" ? merge(out[key], value) : value;
    }
    return out;
  }

  function scheme() {
    return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light";
  }

  // The data link in the caption is written by MkDocs relative to the page (and checked
  // by `mkdocs build --strict`); `data-src` is relative to the site root.
  function dataUrl(container) {
    const link = container.querySelector("a.actdocs-demo__data");
    if (link && link.href) return link.href;
    const root = typeof window.__md_scope !== "undefined" ? window.__md_scope : document.baseURI;
    return new URL(container.dataset.src, root).href;
  }

  function load(url) {
    if (!requests.has(url)) {
      const request = fetch(url).then((response) => {
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        return response.json();
      });
      request.catch(() => requests.delete(url));
      requests.set(url, request);
    }
    return requests.get(url);
  }

  // ------------------------------------------------------------------ states

  function leaf(tree, state) {
    let node = tree;
    while (node && node.control) {
      const states = node.states;
      node = Object.prototype.hasOwnProperty.call(states, state[node.control])
        ? states[state[node.control]]
        : states[Object.keys(states)[0]];
    }
    return node;
  }

  function colour(trace, theme) {
    const role = trace.meta && trace.meta.role;
    const value = theme.roles[role];
    if (!value) return trace;
    if (trace.type === "bar") trace.marker = Object.assign({}, trace.marker, { color: value });
    else if (trace.fill && trace.fill !== "none") trace.fillcolor = value;
    else trace.line = Object.assign({}, trace.line, { color: value });
    if (trace.mode && trace.mode.includes("markers")) trace.marker = Object.assign({}, trace.marker, { color: value });
    return trace;
  }

  function themeLayout(layout, theme) {
    layout.font = Object.assign({}, layout.font, { color: theme.font });
    for (const key of Object.keys(layout)) {
      if (!/^[xy]axis\d*$/.test(key)) continue;
      layout[key] = merge(layout[key], {
        gridcolor: theme.grid,
        zerolinecolor: theme.axis,
        linecolor: theme.axis,
        tickfont: { color: theme.muted },
        title: { font: { color: theme.font } },
      });
    }
    layout.legend = merge(layout.legend, { font: { color: theme.font } });
    if (Array.isArray(layout.annotations)) {
      layout.annotations = layout.annotations.map((a) => merge(a, { font: { color: theme.muted } }));
    }
    return layout;
  }

  function figure(spec, state) {
    const extra = spec.actdocs;
    const theme = extra.themes[scheme()];
    const node = leaf(extra.tree, state);
    const shown = {};
    for (const control of extra.controls) {
      if (control.type === "toggle") for (const role of control.roles) shown[role] = Boolean(state[control.id]);
    }
    const data = node.data.map((trace) => {
      const role = trace.meta && trace.meta.role;
      const full = merge(clone(extra.styles[role] || {}), clone(trace));
      if (role in shown) full.visible = shown[role];
      return colour(full, theme);
    });
    const layout = themeLayout(merge(clone(extra.layout), clone(node.layout || {})), theme);
    return { data, layout, node };
  }

  // ------------------------------------------------------------------ controls

  function visible(control, state) {
    return !control.when || control.when.in.includes(state[control.when.control]);
  }

  function buildControls(demo) {
    const { spec, state } = demo;
    const bar = element("div", { class: "actdocs-demo__controls" });
    const base = `actdocs-demo-${++counter}`;
    for (const control of spec.actdocs.controls) {
      const id = `${base}-${control.id}`;
      const wrap = element("div", {
        class: `actdocs-demo__control actdocs-demo__control--${control.type}`,
        "data-control": control.id,
      });
      if (control.type === "select") {
        wrap.append(element("label", { for: id }, control.label));
        const select = element("select", { id });
        for (const option of control.options) {
          const item = element("option", { value: option.value }, option.label);
          if (option.value === state[control.id]) item.selected = true;
          select.append(item);
        }
        select.addEventListener("change", () => {
          state[control.id] = select.value;
          demo.render();
        });
        wrap.append(select);
      } else if (control.type === "range") {
        const values = control.options.map((o) => o.value);
        const index = Math.max(0, values.indexOf(state[control.id]));
        wrap.append(element("label", { for: id }, control.label));
        const input = element("input", {
          id,
          type: "range",
          min: "0",
          max: String(values.length - 1),
          step: "1",
          value: String(index),
        });
        const output = element("output", { for: id }, control.options[index].label);
        input.setAttribute("aria-valuetext", control.options[index].label);
        input.addEventListener("input", () => {
          const option = control.options[Number(input.value)];
          state[control.id] = option.value;
          output.textContent = option.label;
          input.setAttribute("aria-valuetext", option.label);
          demo.render();
        });
        wrap.append(input, output);
      } else if (control.type === "toggle") {
        const button = element("button", { id, type: "button", class: "actdocs-demo__toggle" }, control.label);
        const sync = () => button.setAttribute("aria-pressed", String(Boolean(state[control.id])));
        sync();
        button.addEventListener("click", () => {
          state[control.id] = !state[control.id];
          sync();
          demo.render();
        });
        wrap.append(button);
      }
      bar.append(wrap);
    }
    return bar;
  }

  function syncControls(demo) {
    for (const control of demo.spec.actdocs.controls) {
      const wrap = demo.controls.querySelector(`[data-control="${control.id}"]`);
      if (wrap) wrap.hidden = !visible(control, demo.state);
    }
  }

  function renderTable(demo, rows) {
    demo.table.replaceChildren();
    demo.table.hidden = !rows || !rows.length;
    if (demo.table.hidden) return;
    const body = element("tbody");
    for (const [name, value] of rows) {
      const row = element("tr");
      row.append(element("th", { scope: "row" }, name), element("td", {}, value));
      body.append(row);
    }
    demo.table.append(body);
  }

  // ------------------------------------------------------------------ set-up

  function setUp(container, spec) {
    const state = {};
    for (const control of spec.actdocs.controls) state[control.id] = control.default;
    const live = element("div", { class: "actdocs-demo__live" });
    const plot = element("div", { class: "actdocs-demo__plot", role: "img" });
    const status = element("p", { class: "actdocs-demo__status", "aria-live": "polite" });
    const table = element("table", { class: "actdocs-demo__table" });
    table.hidden = true;
    const demo = { container, spec, state, plot, status, table, renders: 0 };
    demo.controls = buildControls(demo);
    live.append(demo.controls, plot, status, table);
    container.prepend(live);

    demo.render = () => {
      syncControls(demo);
      const { data, layout, node } = figure(spec, state);
      status.textContent = node.summary || "";
      plot.setAttribute("aria-label", `${spec.actdocs.title}. ${node.summary || ""}`);
      renderTable(demo, node.table);
      const draw = demo.renders ? Plotly.react : Plotly.newPlot;
      return draw(plot, data, layout, spec.config).then(() => {
        demo.renders += 1;
        container.dataset.renders = String(demo.renders);
        container.classList.add("actdocs-demo--live");
      });
    };
    demos.add(demo);
    return demo.render();
  }

  // The self-hosted bundle, injected once, when the first demo needs it.
  let plotlyRequest = null;
  function plotly() {
    if (typeof Plotly !== "undefined") return Promise.resolve();
    if (!plotlyRequest) {
      const root = typeof window.__md_scope !== "undefined" ? window.__md_scope : document.baseURI;
      plotlyRequest = new Promise((resolve, reject) => {
        const script = element("script", { src: new URL(PLOTLY_BUNDLE, root).href });
        script.addEventListener("load", resolve);
        script.addEventListener("error", () => {
          plotlyRequest = null;
          reject(new Error(`cannot load ${script.src}`));
        });
        document.head.append(script);
      });
    }
    return plotlyRequest;
  }

  function start(container) {
    container.dataset.state = "loading";
    Promise.all([load(dataUrl(container)), plotly()])
      .then(([spec]) => setUp(container, spec))
      .then(() => {
        container.dataset.state = "ready";
      })
      .catch((error) => {
        container.dataset.state = "failed";
        container.classList.remove("actdocs-demo--live");
        console.error(`actdocs demos: ${container.dataset.demo || container.dataset.src}: ${error}`);
      });
  }

  // A demo starts when it is within a screen of the viewport: drawn before the reader
  // reaches it, so that the live chart replacing the static figure moves nothing in view.
  const nearby =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              if (!entry.isIntersecting) continue;
              nearby.unobserve(entry.target);
              start(entry.target);
            }
          },
          { rootMargin: "100% 0px" },
        )
      : null;

  function setUpAll() {
    for (const demo of [...demos]) {
      if (!document.body.contains(demo.container)) {
        if (typeof Plotly !== "undefined") Plotly.purge(demo.plot);
        demos.delete(demo);
      }
    }
    for (const container of document.querySelectorAll(SELECTOR)) {
      if (container.dataset.state) continue;
      container.dataset.state = "waiting";
      if (nearby) nearby.observe(container);
      else start(container);
    }
  }

  function restyleAll() {
    for (const demo of demos) if (demo.renders) demo.render();
  }

  new MutationObserver(restyleAll).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme"],
  });

  if (typeof document$ !== "undefined") document$.subscribe(setUpAll);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
})();
